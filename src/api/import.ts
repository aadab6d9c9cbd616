/**
 * @module api/import
 * Add the models of a registry export (JSON Lines) to the registry, all or nothing; a name already
 * registered is refused unless `replace`.
 */
import { resolve } from "node:path";
import { incomingModels, type ImportedLine, type ImportResult } from "../registry/import.js";
import { throwIfAborted, type OperationOptions } from "./cancel.js";
import { useBackend, type RegistryInput } from "./inputs.js";

export interface ImportOptions extends Pick<OperationOptions, "signal"> {
  /** A file written by exportRegistry / `pedigree export`, or "-" for standard input. */
  file: string;
  replace?: boolean;
  registry?: RegistryInput;
}

export type Imported = { registry: string } & ImportResult;

export async function importRegistry(opts: ImportOptions): Promise<Imported> {
  throwIfAborted(opts.signal, "import");
  const file = opts.file === "-" ? "-" : resolve(opts.file);
  return useBackend(opts.registry, {}, async (b) => ({ registry: b.name, ...(await b.load(incomingModels(file), { replace: !!opts.replace, where: (m) => (m as ImportedLine).where })) }));
}
