/**
 * @module cli/commands/export
 * `pedigree export [-o file.jsonl]`: the whole registry as JSON Lines (a header line, then one
 * line per model with its fingerprint parts in base64), to stdout or to a file. A file is written
 * beside its final name and renamed into place, so it is never seen half-written.
 */
import type { Command } from "commander";
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { resolve } from "node:path";
import { BadInputError } from "../../errors.js";
import { exportLines } from "../../registry/export.js";
import { withRegistry } from "../../registry/open.js";
import { EXIT } from "../exit-codes.js";
import { REGISTRY_OPTION_HELP } from "./register.js";

function toFile(path: string, lines: Iterable<string>): number {
  const tmp = `${path}.tmp-${process.pid}`;
  let fd: number;
  try {
    fd = openSync(tmp, "w");
  } catch (e) {
    throw new BadInputError(path, `cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let n = 0;
  try {
    for (const line of lines) {
      writeSync(fd, `${line}\n`);
      n++;
    }
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, path);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    rmSync(tmp, { force: true });
    if ((e as NodeJS.ErrnoException).code) throw new BadInputError(path, `cannot write: ${(e as NodeJS.ErrnoException).code}`);
    throw e;
  }
  return n;
}

async function toStdout(lines: Iterable<string>): Promise<number> {
  let n = 0;
  for (const line of lines) {
    n++;
    if (!process.stdout.write(`${line}\n`)) await new Promise<void>((ok) => process.stdout.once("drain", ok));
  }
  return n;
}

export function registerExport(program: Command): void {
  program
    .command("export")
    .description("write the registry as JSON Lines (metadata and fingerprints), for backup or transfer")
    .option("-o, --output <file>", "write to this file instead of stdout")
    .option("--registry <file>", REGISTRY_OPTION_HELP)
    .action(async (opts: { output?: string; registry?: string }) => {
      await withRegistry(opts.registry, { create: false }, async (db, file) => {
        if (opts.output) {
          const out = resolve(opts.output);
          const n = toFile(out, exportLines(db));
          process.stderr.write(`exported ${n - 1} model${n === 2 ? "" : "s"} from ${file} to ${out}\n`);
        } else {
          await toStdout(exportLines(db));
        }
      });
      process.exitCode = EXIT.clean;
    });
}
