/** Shared pieces of the registry tests: the models of ../shared, their fingerprints, registries. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { computeFingerprint } from "../../src/fingerprint/compute.js";
import type { Fingerprint } from "../../src/fingerprint/types.js";
import { loadModel } from "../../src/load-model.js";
import type { ModelMeta } from "../../src/registry/metadata.js";
import { devModelIds, sharedFiles, sharedPath } from "../../src/test-support/shared.js";
import { tempDir } from "../../src/test-support/tmp.js";

/** The weight files of ../shared/models (tokenizer .bin files are not weights). */
export function sharedWeightFiles(): string[] {
  return sharedFiles("models").filter((f) => /\.(bin|gguf|pt|safetensors)$/.test(f) && !/\/tok\d+\.bin$/.test(f));
}

/** Every model of ../shared: [registry name, path]: dev models by id, shared files as models/<dir>/<file>. */
export function allModels(): Array<[string, string]> {
  return [
    ...devModelIds().map((id): [string, string] => [id, sharedPath("dev-families", id)]),
    ...sharedWeightFiles().map((f): [string, string] => [f.slice(sharedPath().length + 1), f]),
  ];
}

const prints = new Map<string, Fingerprint>();

export function fingerprintOf(path: string): Fingerprint {
  let fp = prints.get(path);
  if (!fp) {
    const m = loadModel(path);
    try {
      fp = computeFingerprint(m);
    } finally {
      m.close();
    }
    prints.set(path, fp);
  }
  return fp;
}

export function metaFor(name: string, extra: Partial<ModelMeta> = {}): ModelMeta {
  return { name, owner: "test", tier: "open", license: "apache-2.0", ...extra };
}

export function newRegistryPath(): string {
  return join(tempDir("pedigree-registry-"), "registry.db");
}

/** truth.json's parents per dev model id. */
export const DEV_PARENTS: Record<string, string[]> = Object.fromEntries(
  Object.entries((JSON.parse(readFileSync(sharedPath("dev-families", "truth.json"), "utf8")) as { models: Record<string, { parents: string[] }> }).models).map(([id, m]) => [id, m.parents]),
);

/** The first-parent root of a dev model (itself for a model trained from scratch). */
export function devRoot(id: string): string {
  const p = DEV_PARENTS[id]?.[0];
  return p === undefined ? id : devRoot(p);
}
