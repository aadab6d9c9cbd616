/**
 * @module cli/commands/serve
 * `pedigree serve`: the registry as a service (src/server): a JSON API (OpenAPI at /openapi.json)
 * with roles, jobs, alerts and an audit log. Starts on the default registry with no configuration;
 * prints the URL and, on the first start, an admin token. Stops on Ctrl-C (SIGINT) or SIGTERM.
 */
import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import { startServer } from "../../server/start.js";
import { EXIT } from "../exit-codes.js";
import { printText } from "../output.js";
import { withSignals } from "../signals.js";
import { REGISTRY_OPTION_HELP } from "./register.js";

interface Opts {
  registry?: string;
  host: string;
  port: string;
  root: string[];
  workers: string;
  maxUpload: string;
}

function int(v: string, flag: string, min: number, max: number): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < min || n > max) throw new UsageError(`${flag} must be an integer from ${min} to ${max}`);
  return n;
}

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description("serve the registry: JSON API with roles and tokens, scan/compare/tree jobs, alerts, audit log")
    .option("--registry <file>", REGISTRY_OPTION_HELP)
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <n>", "port (0: any free port)", "8080")
    .option("--root <dir>", "a folder whose models clients may name by path (repeatable)", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option("--workers <n>", "jobs run at once, each in a worker thread", "2")
    .option("--max-upload <MB>", "largest upload accepted, in MB", "2048")
    .addHelpText("after", "\nExample:\n  pedigree serve --root ./models --port 8080\n  pedigree serve --registry postgres://pedigree@db/registry --root ./models\n  curl -H 'Authorization: Bearer <token>' http://127.0.0.1:8080/api/models\n")
    .action(async (opts: Opts) => {
      const port = int(opts.port, "--port", 0, 65535);
      const workers = int(opts.workers, "--workers", 1, 64);
      const maxUpload = int(opts.maxUpload, "--max-upload", 1, 1 << 20);
      await withSignals(async (signal) => {
        const s = await startServer({ registry: opts.registry, host: opts.host, port, roots: opts.root, workers, maxUploadBytes: maxUpload * 1e6 });
        printText(`pedigree serve: ${s.url} (registry ${s.registry})`);
        if (s.adminToken) printText(`first admin token (shown once): ${s.adminToken}`);
        await new Promise<void>((ok) => signal.addEventListener("abort", () => ok(), { once: true }));
        await s.close();
      });
      process.exitCode = EXIT.clean;
    });
}
