/**
 * @module api/export
 * The whole registry as JSON Lines (a header line, then one line per model with its fingerprint
 * parts in base64), written to a file — beside its final name, then renamed into place, so it is
 * never seen half-written — or handed line by line to a writer (which may wait, for back-pressure).
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { resolve } from "node:path";
import { BadInputError } from "../errors.js";
import { exportBackendLines, exportLines } from "../registry/export.js";
import { SqliteBackend } from "../registry/sqlite-backend.js";
import { throwIfAborted, type OperationOptions } from "./cancel.js";
import { useBackend, type RegistryInput } from "./inputs.js";

export interface ExportOptions extends Pick<OperationOptions, "signal"> {
  registry?: RegistryInput;
  /** Write to this file; else give every line (without its newline) to `write`. */
  out?: string;
  write?: (line: string) => void | Promise<void>;
}

export interface Exported {
  registry: string;
  /** The file written (absolute), when `out` was given. */
  out?: string;
  models: number;
}

async function toFile(path: string, lines: AsyncIterable<string> | Iterable<string>, signal: AbortSignal | undefined): Promise<number> {
  const tmp = `${path}.tmp-${process.pid}`;
  let fd: number;
  try {
    fd = openSync(tmp, "w");
  } catch (e) {
    throw new BadInputError(path, `cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let n = 0;
  try {
    for await (const line of lines) {
      throwIfAborted(signal, "export");
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

export async function exportRegistry(opts: ExportOptions): Promise<Exported> {
  throwIfAborted(opts.signal, "export");
  return useBackend(opts.registry, { readOnly: true }, async (b) => {
    // a SQLite file is read in one read transaction (exportLines); a server registry in one snapshot
    if (b instanceof SqliteBackend) return write(b.name, exportLines(b.db), opts);
    if (b.snapshot) return b.snapshot((view) => write(b.name, exportBackendLines(view), opts));
    return write(b.name, exportBackendLines(b), opts);
  });
}

async function write(file: string, lines: AsyncIterable<string> | Iterable<string>, opts: ExportOptions): Promise<Exported> {
  if (opts.out !== undefined) {
    const out = resolve(opts.out);
    return { registry: file, out, models: (await toFile(out, lines, opts.signal)) - 1 };
  }
  let n = 0;
  for await (const line of lines) {
    throwIfAborted(opts.signal, "export");
    await opts.write?.(line);
    n++;
  }
  return { registry: file, models: n - 1 };
}
