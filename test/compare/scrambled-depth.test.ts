/**
 * Layers reordered AND the residual stream scrambled: the frame probe of a scrambled frame must look
 * beyond same-index layers, or the scrambling is never undone and the copy passes as independent.
 * Forged from a really trained dev model; the layer map must match the forge's ground truth.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { compare } from "../../src/compare.js";
import { forge } from "../../src/forge/forge.js";
import { sharedPath } from "../../src/test-support/shared.js";
import { tempDir } from "../../src/test-support/tmp.js";

const A = sharedPath("dev-families", "A");

for (const [steps, frame] of [["reorder-layers:random,permute", "signed-permutation"], ["reorder-layers:random,rotate", "rotation"], ["reorder-layers:5+4+3+2+1+0,finetune-drift:0.2,permute", "signed-permutation"]] as const) {
  test(`${steps}: derived, in a ${frame} frame, every layer traced to its source`, () => {
    const out = join(tempDir("pedigree-depth-"), "B");
    const f = forge({ input: A, steps, out, dtype: "F16", seed: 5 });
    const truth = (f.record as unknown as { truth: { layerMap: Record<string, number> } }).truth.layerMap;
    const r = compare(A, out);
    assert.equal(r.verdict, "derived");
    assert.equal(r.frame.kind, frame);
    assert.ok(r.transforms.some((t) => t.kind === "layers-reordered"), r.transforms.map((t) => t.kind).join());
    assert.deepEqual(Object.fromEntries(r.layerMap.map((l) => [String(l.b), l.a])), truth);
  });
}
