/**
 * @module api/list
 * The registered models, one listing each (sorted by name).
 */
import type { ModelListing } from "../registry/store.js";
import { list as listModels } from "../registry/store.js";
import { useRegistry, type RegistryInput } from "./inputs.js";

export interface ListOptions {
  registry?: RegistryInput;
}

export interface Listing {
  registry: string;
  models: ModelListing[];
}

export async function list(opts: ListOptions = {}): Promise<Listing> {
  return useRegistry(opts.registry, { readOnly: true }, (db, file) => ({ registry: file, models: listModels(db) }));
}
