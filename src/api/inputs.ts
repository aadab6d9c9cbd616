/**
 * @module api/inputs
 * What api operations take as a model (a path, or a model already loaded by the caller) and as a
 * registry (a path, the default registry when absent, or an open handle), and the rule for who
 * closes what: a model or registry the operation opened, it closes; one it was given, it leaves
 * open.
 */
import { loadModel } from "../load-model.js";
import type { CanonicalModel } from "../model/canonical.js";
import type { RegistryBackend } from "../registry/backend.js";
import { openBackend, sqliteBackend } from "../registry/connect.js";
import { registryError, registryFile, withRegistry, type OpenOptions, type Registry } from "../registry/open.js";

/** A weight file or model folder, or a loaded model. */
export type ModelInput = string | CanonicalModel;

/**
 * A registry file or postgres:// URL, an open SQLite registry, or undefined for the default registry
 * ($PEDIGREE_REGISTRY, ...).
 */
export type RegistryInput = string | Registry | undefined;

export function isLoaded(m: ModelInput): m is CanonicalModel {
  return typeof m !== "string";
}

/** Runs `fn` on the model, loading it from a path first (and closing it after) when needed. */
export async function withModel<T>(input: ModelInput, fn: (m: CanonicalModel) => T | Promise<T>): Promise<T> {
  if (isLoaded(input)) return fn(input);
  const m = loadModel(input);
  try {
    return await fn(m);
  } finally {
    m.close();
  }
}

/** Runs `fn` on the registry with its file name; opens and closes it when given a path. */
export async function useRegistry<T>(input: RegistryInput, opts: OpenOptions, fn: (db: Registry, file: string) => T | Promise<T>): Promise<T> {
  if (input === undefined || typeof input === "string") return withRegistry(input, opts, fn);
  const file = registryFile(input);
  try {
    return await fn(input, file);
  } catch (e) {
    throw registryError(file, e);
  }
}

/**
 * Runs `fn` on the registry behind the one interface (a SQLite file or a Postgres database); opens
 * and closes it when given a location, leaves a given open registry open.
 */
export async function useBackend<T>(input: RegistryInput, opts: OpenOptions, fn: (b: RegistryBackend) => T | Promise<T>): Promise<T> {
  const b = typeof input === "object" ? sqliteBackend(input) : await openBackend(input, opts);
  try {
    return await fn(b);
  } catch (e) {
    throw b.kind === "sqlite" ? registryError(b.name, e) : e;
  } finally {
    await b.close();
  }
}
