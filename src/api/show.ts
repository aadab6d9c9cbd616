/**
 * @module api/show
 * One registered model: what its registrant declared, what its files declare, its shape and
 * files, and its fingerprint's parts. An unknown name is a not-found error.
 */
import { PedigreeError, q } from "../errors.js";
import { get, type ModelEntry } from "../registry/store.js";
import { useRegistry, type RegistryInput } from "./inputs.js";

export interface ShowOptions {
  name: string;
  registry?: RegistryInput;
}

export type Shown = { registry: string } & ModelEntry;

export async function show(opts: ShowOptions): Promise<Shown> {
  return useRegistry(opts.registry, { readOnly: true }, (db, file) => {
    const e = get(db, opts.name);
    if (!e) throw new PedigreeError("not-found", `no model named ${q(opts.name)} in the registry`, file);
    return { registry: file, ...e };
  });
}
