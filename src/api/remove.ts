/**
 * @module api/remove
 * Delete a model, its fingerprint and its index entries (one transaction).
 */
import type { ModelRecord } from "../registry/store.js";
import { useBackend, type RegistryInput } from "./inputs.js";

export interface RemoveOptions {
  name: string;
  registry?: RegistryInput;
}

export interface Removed {
  registry: string;
  removed: ModelRecord;
}

export async function remove(opts: RemoveOptions): Promise<Removed> {
  return useBackend(opts.registry, { create: false }, async (b) => ({ registry: b.name, removed: await b.remove(opts.name) }));
}
