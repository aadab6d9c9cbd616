/**
 * Wide models (residual width above 512: descriptors over anchor tokens) through the registry's
 * routes, on synthesized models made in memory: a closed model registered by its fingerprint alone
 * is found in its permuted copy, its rotated copy (the structured rotation of wide streams), a permuted
 * fine-tune and a residual-pruned-width copy — from the suspect's fingerprint alone and with its
 * weights — and an independent model of the same shape and one of another width are not.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, test } from "node:test";
import { computeFingerprint } from "../../src/fingerprint/compute.js";
import { forgeInMemory } from "../../src/forge/forge.js";
import { synthesize, type SynthesizeSpec } from "../../src/forge/synthesize.js";
import type { CanonicalModel } from "../../src/model/canonical.js";
import { materialize } from "../../src/model/materialize.js";
import { openRegistry } from "../../src/registry/open.js";
import { register } from "../../src/registry/store.js";
import { scanFingerprint, scanModel } from "../../src/scan/scan.js";
import { tempDir } from "../../src/test-support/tmp.js";

const SHAPE: Omit<SynthesizeSpec, "seed"> = { family: "llama", dim: 768, layers: 2, ffn: 256, heads: 12, kvHeads: 12, vocab: 1000 };
const base = materialize(synthesize({ ...SHAPE, seed: 41 }));
const dir = tempDir("pedigree-wide-");
const db = openRegistry(join(dir, "r.db"));
after(() => db.close());
register(db, computeFingerprint(base), { name: "wide-base", owner: "lab", tier: "closed", license: "other" });

function scanBoth(m: CanonicalModel) {
  const fp = computeFingerprint(m);
  assert.equal(fp.space, "anchors", "a wide model's fingerprint keeps descriptors");
  return { fpOnly: scanFingerprint(db, fp, m.declared, null), withWeights: scanModel(db, m) };
}

for (const steps of ["permute", "rotate", "permute,finetune-drift:0.1", "drop-layers:1,permute"]) {
  test(`a closed wide model's ${steps} copy is found from fingerprints and with weights`, () => {
    const suspect = materialize(forgeInMemory(base, steps, 7).draft);
    const { fpOnly, withWeights } = scanBoth(suspect);
    for (const [route, r] of [["fingerprint only", fpOnly], ["with weights", withWeights]] as const) {
      const top = r.matches[0];
      assert.ok(top, `${route}: no match`);
      assert.equal(top.model.name, "wide-base");
      assert.equal(top.verdict, "derived", `${route}: ${top.verdict}, log10 p ${(top.logP / Math.LN10).toFixed(1)}`);
      assert.ok(top.logP / Math.LN10 < -20, `${route}: log10 p ${(top.logP / Math.LN10).toFixed(1)}`);
    }
  });
}

test("independent wide models, of the same and of another width, are not derived", () => {
  const twin = materialize(synthesize({ ...SHAPE, seed: 42 }));
  const other = materialize(synthesize({ ...SHAPE, dim: 640, heads: 10, kvHeads: 10, seed: 43 }));
  for (const m of [twin, other]) {
    const { fpOnly, withWeights } = scanBoth(m);
    for (const r of [fpOnly, withWeights]) {
      const top = r.matches[0];
      assert.ok(top, "the registered model is compared");
      assert.equal(top.verdict, "independent", `${top.verdict}: ${top.result.reason}`);
    }
  }
});
