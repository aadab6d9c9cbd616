/**
 * @module api/remove
 * Delete a model, its fingerprint and its index entries (one transaction).
 */
import { remove as removeModel, type ModelRecord } from "../registry/store.js";
import { useRegistry, type RegistryInput } from "./inputs.js";

export interface RemoveOptions {
  name: string;
  registry?: RegistryInput;
}

export interface Removed {
  registry: string;
  removed: ModelRecord;
}

export async function remove(opts: RemoveOptions): Promise<Removed> {
  return useRegistry(opts.registry, { create: false }, (db, file) => ({ registry: file, removed: removeModel(db, opts.name) }));
}
