/**
 * @module api/import
 * Add the models of a registry export (JSON Lines) to the registry, all or nothing; a name already
 * registered is refused unless `replace`.
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { incomingModels, type ImportedLine, type ImportResult } from "../registry/import.js";
import { progressOf, throwIfAborted, type OperationOptions } from "./cancel.js";
import { useBackend, type RegistryInput } from "./inputs.js";

/** Progress (stage "import") counts bytes of the file read; its total is 0 for standard input. */
export interface ImportOptions extends OperationOptions {
  /** A file written by exportRegistry / `pedigree export`, or "-" for standard input. */
  file: string;
  replace?: boolean;
  registry?: RegistryInput;
}

export type Imported = { registry: string } & ImportResult;

export async function importRegistry(opts: ImportOptions): Promise<Imported> {
  throwIfAborted(opts.signal, "import");
  const path = opts.file === "-" ? "-" : resolve(opts.file);
  const report = progressOf(opts, "import");
  // the size, for progress only (a missing or special file is refused by the reader, naming it)
  let total = 0;
  try {
    if (path !== "-") total = statSync(path).size;
  } catch {
    total = 0;
  }
  const lines = incomingModels(path, (bytes) => report("import", bytes, Math.max(total, bytes)));
  return useBackend(opts.registry, {}, async (b) => ({ registry: b.name, ...(await b.load(lines, { replace: !!opts.replace, where: (m) => (m as ImportedLine).where })) }));
}
