/**
 * @module api/list
 * The registered models, one listing each (sorted by name).
 */
import type { ModelListing } from "../registry/store.js";
import { useBackend, type RegistryInput } from "./inputs.js";

export interface ListOptions {
  registry?: RegistryInput;
}

export interface Listing {
  registry: string;
  models: ModelListing[];
}

export async function list(opts: ListOptions = {}): Promise<Listing> {
  return useBackend(opts.registry, { readOnly: true }, async (b) => ({ registry: b.name, models: await b.list() }));
}
