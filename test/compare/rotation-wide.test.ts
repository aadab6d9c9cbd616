/**
 * The rotation frame of wide models (rows of R onto a sketch of A's coordinates, by least squares on
 * the embeddings): rotated derivatives are found, independent models — really trained twins on the
 * same data included — are not. The estimator is forced on the dev families (d = 64..128) with half
 * of the coordinates, and runs by itself on a forged model wider than the full rotation's limit.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { compare } from "../../src/compare.js";
import { MAX_ROTATION_DIM } from "../../src/evidence/frames/rotation.js";
import { forge } from "../../src/forge/forge.js";
import { sharedPath } from "../../src/test-support/shared.js";
import { tempDir } from "../../src/test-support/tmp.js";

const dev = (id: string) => sharedPath("dev-families", id);
const rotationProbe = (r: ReturnType<typeof compare>) => r.frame.probes.find((p) => p.kind === "rotation");

for (const [a, b, coords] of [["A", "A-rot", 64], ["B", "B-rot", 64], ["S", "S-perm-rot", 32]] as const) {
  test(`${b} is found derived from ${a} in a rotation fitted on ${coords} coordinates`, () => {
    const r = compare(dev(a), dev(b), { rotationCoords: coords });
    assert.equal(r.verdict, "derived");
    assert.equal(r.frame.kind, "rotation");
    assert.match(r.frame.source, new RegExp(`onto ${coords} of A's`));
    assert.ok(r.logP < Math.log(1e-100), `log10 p ${r.logP / Math.LN10}`);
    const kinds = r.transforms.map((t) => t.kind);
    assert.ok(kinds.includes("rotated") && kinds.includes("no-other-change") && !kinds.includes("identical"), kinds.join());
    // every layer mapped to its own index
    assert.deepEqual(r.layerMap.map((l) => l.a), r.layerMap.map((l) => l.b));
  });
}

for (const [a, b, why] of [["A", "B", "twins: same data and recipe, other seed"], ["A", "C", "other data"], ["B", "C", "other data"], ["A", "G", "other data, GQA"], ["A", "B-rot", "a rotated copy of A's twin"]] as const) {
  test(`${a} vs ${b} (${why}): the fitted rotation shows nothing`, () => {
    const r = compare(dev(a), dev(b), { rotationCoords: 64 });
    assert.notEqual(r.verdict, "derived");
    const probe = rotationProbe(r);
    assert.ok(probe, "the rotation was estimated and probed");
    assert.ok(probe.logP > Math.log(1e-4), `rotation probe log10 p ${probe.logP / Math.LN10}`);
    assert.notEqual(r.frame.kind, "rotation");
  });
}

test("wider than the full rotation's limit: a fine-tuned rotated copy is found, an independent model is not", () => {
  const dir = tempDir("pedigree-rotation-wide-");
  const dim = MAX_ROTATION_DIM + 16;
  const shape = { family: "llama" as const, dim, layers: 1, ffn: 256, heads: 8, kvHeads: 2, vocab: 2 * dim + 64 };
  const A = join(dir, "A");
  const B = join(dir, "B");
  const C = join(dir, "C");
  forge({ synthesize: { ...shape, seed: 1 }, out: A, dtype: "F16", seed: 1 });
  forge({ input: A, steps: "finetune-drift:0.03,rotate", out: B, dtype: "F16", seed: 2 });
  forge({ synthesize: { ...shape, seed: 3 }, out: C, dtype: "F16", seed: 3 });
  const derived = compare(A, B);
  assert.equal(derived.verdict, "derived");
  assert.equal(derived.frame.kind, "rotation");
  assert.match(derived.frame.source, new RegExp(`onto 256 of A's ${dim} coordinates`));
  assert.ok(derived.transforms.some((t) => t.kind === "rotated"));
  assert.ok(derived.effect.matchedFraction > 0.9, `matched ${derived.effect.matchedFraction}`);
  const independent = compare(A, C);
  assert.notEqual(independent.verdict, "derived");
  assert.ok((rotationProbe(independent)?.logP ?? -Infinity) > Math.log(1e-4));
});
