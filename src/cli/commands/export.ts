/**
 * @module cli/commands/export
 * `pedigree export [-o file.jsonl]`: the whole registry as JSON Lines (a header line, then one
 * line per model with its fingerprint parts in base64), to stdout or to a file. A file is written
 * beside its final name and renamed into place, so it is never seen half-written.
 */
import type { Command } from "commander";
import { exportRegistry } from "../../api/export.js";
import { EXIT } from "../exit-codes.js";
import { REGISTRY_OPTION_HELP } from "./register.js";

/** One line to stdout, waiting for it to drain when its buffer is full. */
async function toStdout(line: string): Promise<void> {
  if (!process.stdout.write(`${line}\n`)) await new Promise<void>((ok) => process.stdout.once("drain", ok));
}

export function registerExport(program: Command): void {
  program
    .command("export")
    .description("write the registry as JSON Lines (metadata and fingerprints), for backup or transfer")
    .option("-o, --output <file>", "write to this file instead of stdout")
    .option("--registry <file>", REGISTRY_OPTION_HELP)
    .action(async (opts: { output?: string; registry?: string }) => {
      if (opts.output) {
        const r = await exportRegistry({ registry: opts.registry, out: opts.output });
        process.stderr.write(`exported ${r.models} model${r.models === 1 ? "" : "s"} from ${r.registry} to ${r.out}\n`);
      } else {
        await exportRegistry({ registry: opts.registry, write: toStdout });
      }
      process.exitCode = EXIT.clean;
    });
}
