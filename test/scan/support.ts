/** Registries of the dev-family base models for the scan tests, with tiers and licences that exercise every finding. */
import { join } from "node:path";
import { computeFingerprint } from "../../src/fingerprint/compute.js";
import { loadModel } from "../../src/load-model.js";
import type { ModelMeta } from "../../src/registry/metadata.js";
import { openRegistry, type Registry } from "../../src/registry/open.js";
import { register } from "../../src/registry/store.js";
import { devPath, TRUTH } from "../../src/test-support/dev-truth.js";
import { tempDir } from "../../src/test-support/tmp.js";

/** The from-scratch models and what their registrants say. */
export const BASES: Record<string, Omit<ModelMeta, "name">> = {
  A: { owner: "Lab A", tier: "closed", license: "apache-2.0" },
  B: { owner: "Lab B", tier: "gated", license: "llama3.1", recipients: ["Acme Corp", "Beta Labs"] },
  C: { owner: "Lab C", tier: "open", license: "mit" },
  D: { owner: "Lab D", tier: "open", license: "apache-2.0" },
  G: { owner: "Lab G", tier: "open", license: "cc-by-4.0" },
  S: { owner: "Lab S", tier: "open", license: "mit" },
};

/** A registry file holding the given bases. */
export function baseRegistry(names: string[]): { db: Registry; file: string } {
  const file = join(tempDir(), "registry.db");
  const db = openRegistry(file);
  for (const n of names) {
    const m = loadModel(devPath(n));
    try {
      register(db, computeFingerprint(m), { name: n, ...(BASES[n] as Omit<ModelMeta, "name">) });
    } finally {
      m.close();
    }
  }
  return { db, file };
}

/** A registry file holding the given dev models (open, as registered by their makers). */
export function registryOf(ids: string[]): { db: Registry; file: string } {
  const file = join(tempDir(), "registry.db");
  const db = openRegistry(file);
  for (const id of ids) {
    const m = loadModel(devPath(id));
    try {
      register(db, computeFingerprint(m), { name: id, ...(BASES[id] ?? { owner: "dev", tier: "open", license: "apache-2.0" }) });
    } finally {
      m.close();
    }
  }
  return { db, file };
}

/** The from-scratch models whose weights a dev model carries (from truth.json's component lineage). */
export function weightSources(id: string): string[] {
  const lineage = (TRUTH.models[id] as unknown as { lineage: Record<string, [string, string]> }).lineage;
  return [...new Set(Object.values(lineage).map(([src]) => src))].filter((s) => s !== id && s in BASES);
}
