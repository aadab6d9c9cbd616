/**
 * @module api/show
 * One registered model: what its registrant declared, what its files declare, its shape and
 * files, and its fingerprint's parts. An unknown name is a not-found error.
 */
import { PedigreeError, q } from "../errors.js";
import type { ModelEntry } from "../registry/store.js";
import { useBackend, type RegistryInput } from "./inputs.js";

export interface ShowOptions {
  name: string;
  registry?: RegistryInput;
}

export type Shown = { registry: string } & ModelEntry;

export async function show(opts: ShowOptions): Promise<Shown> {
  return useBackend(opts.registry, { readOnly: true }, async (b) => {
    const e = await b.get(opts.name);
    if (!e) throw new PedigreeError("not-found", `no model named ${q(opts.name)} in the registry`, b.name);
    return { registry: b.name, ...e };
  });
}
