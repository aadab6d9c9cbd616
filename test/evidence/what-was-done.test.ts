/**
 * "What was done" on forged pairs, through `compare` (weights), fingerprint against fingerprint
 * (tree) and fingerprint against weights (scan): a fine-tune hidden under quantization is reported
 * as a fine-tune (the change exceeds what the stored type's quantization alone gives), a quantized
 * or scrambled copy with no other change as exactly that, and nothing contradictory ("rotated" never
 * with "identical").
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { compare } from "../../src/compare.js";
import { relate } from "../../src/verdict/transforms/relation.js";
import { compareFingerprints, compareFingerprintToModel } from "../../src/fingerprint/compare-fp.js";
import { computeFingerprint } from "../../src/fingerprint/compute.js";
import { forge } from "../../src/forge/forge.js";
import { loadModel } from "../../src/load-model.js";
import { tempDir } from "../../src/test-support/tmp.js";
import type { CompareResult } from "../../src/verdict/result.js";

const dir = tempDir("pedigree-what-was-done-");
const shape = { family: "llama" as const, dim: 128, layers: 2, ffn: 256, heads: 4, kvHeads: 4, vocab: 320 };
const base = join(dir, "base");
forge({ synthesize: { ...shape, seed: 1 }, out: base, dtype: "F16", seed: 1 });
const fpBase = (() => {
  const m = loadModel(base);
  const fp = computeFingerprint(m);
  m.close();
  return fp;
})();

/** The three routes' results for base vs a derivative forged with `steps`. */
function routes(name: string, steps: string, file: string): Array<[string, CompareResult]> {
  const out = join(dir, file);
  forge({ input: base, steps, out, seed: 7, name });
  const m = loadModel(out);
  try {
    return [["compare", compare(base, out)], ["fingerprints", relate(compareFingerprints(fpBase, computeFingerprint(m)))], ["fingerprint and weights", relate(compareFingerprintToModel(fpBase, m))]];
  } finally {
    m.close();
  }
}

const kinds = (r: CompareResult) => r.transforms.map((t) => t.kind);

test("a fine-tune under Q4_K quantization is reported as a fine-tune, by every route", () => {
  for (const [route, r] of routes("hidden", "permute,finetune-drift:0.15,quantize:Q4_K", "hidden.gguf")) {
    assert.equal(r.verdict, "derived", route);
    const k = kinds(r);
    assert.ok(k.includes("quantized") && k.includes("permuted") && k.includes("fine-tuned"), `${route}: ${k.join()}`);
    const ft = r.transforms.find((t) => t.kind === "fine-tuned");
    assert.ok((ft?.values?.beyondQuantization as number) > (ft?.values?.expectedQuantization as number), `${route}: ${ft?.detail}`);
    assert.equal(r.direction.parent, "a", `${route}: ${r.direction.reasons.join()}`);
  }
});

test("a permuted Q4_K copy with no other change: quantized, permuted, no other change; A the parent", () => {
  for (const [route, r] of routes("copy", "permute,quantize:Q4_K", "copy.gguf")) {
    const k = kinds(r);
    assert.ok(k.includes("quantized") && k.includes("permuted") && k.includes("no-other-change"), `${route}: ${k.join()}`);
    assert.ok(!k.includes("fine-tuned") && !k.includes("identical") && !k.includes("weights-changed"), `${route}: ${k.join()}`);
    assert.equal(r.direction.parent, "a", route);
  }
});

test("a rotated copy is never also called identical, and its direction is not guessed from the pair", () => {
  for (const [route, r] of routes("rot", "rotate", "rot")) {
    const k = kinds(r);
    assert.ok(k.includes("rotated") && k.includes("no-other-change") && !k.includes("identical"), `${route}: ${k.join()}`);
    // folded norm gains (weights at hand) may tell; fingerprints alone cannot
    if (route !== "compare") assert.equal(r.direction.parent, "unknown", `${route}: ${r.direction.reasons.join()}`);
  }
});
