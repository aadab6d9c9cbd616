/**
 * Residual-width pruning (Sheared-LLaMA, Minitron): B's residual coordinates are matched to a
 * subset of A's from the shared tokens' embeddings, and units compared there. Pruned derivatives —
 * healed by a drift, permuted, either side first — come out derived with the kept dimensions found
 * as forge.json records them; pruned and rotated ones through a semi-orthogonal map; independent
 * models of other widths come out independent.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { compare } from "../../src/compare.js";
import { estimatePartialPermutation } from "../../src/evidence/frames/partial-permutation.js";
import { tokenPairs } from "../../src/evidence/token-pairs.js";
import { forge } from "../../src/forge/forge.js";
import { loadModel } from "../../src/load-model.js";
import { sharedPath } from "../../src/test-support/shared.js";
import { tempDir } from "../../src/test-support/tmp.js";

const dev = (id: string) => sharedPath("dev-families", id);
const dir = tempDir("pedigree-residual-prune-");

interface ChainRecord {
  step: string;
  record: { keptDims?: number[]; residual?: number[] };
}

/** For each residual dimension of the forged model, the dimension of its input it holds (from forge.json). */
function truthMap(out: string, width: number): number[] {
  const chain = (JSON.parse(readFileSync(join(out, "forge.json"), "utf8")) as { chain: ChainRecord[] }).chain;
  let map = Array.from({ length: width }, (_, i) => i);
  for (const c of chain) {
    if (c.step.startsWith("prune-hidden")) map = (c.record.keptDims as number[]).map((j) => map[j] as number);
    if (c.step === "permute") map = (c.record.residual as number[]).map((j) => map[j] as number);
  }
  return map;
}

function agreement(found: number[] | undefined, truth: number[]): number {
  assert.ok(found, "compare gives the coordinate map");
  assert.equal(found.length, truth.length);
  return found.filter((a, i) => a === truth[i]).length / truth.length;
}

test("dev-families A pruned 25 % (then healed and permuted): derived, the kept dimensions found, A the parent", () => {
  const plain = join(dir, "A-ph");
  const healed = join(dir, "A-ph-ft-perm");
  forge({ input: dev("A"), steps: "prune-hidden", out: plain, seed: 1 });
  forge({ input: dev("A"), steps: "prune-hidden,finetune-drift:0.05,permute", out: healed, seed: 2 });
  for (const [out, minAgree] of [[plain, 1], [healed, 0.95]] as const) {
    const r = compare(dev("A"), out);
    assert.equal(r.verdict, "derived", out);
    assert.ok(r.logP < Math.log(1e-100), `log10 p ${r.logP / Math.LN10}`);
    const agree = agreement(r.frame.coordinateMap, truthMap(out, 128));
    assert.ok(agree >= minAgree, `${out}: ${agree} of the kept dimensions found`);
    assert.ok(r.transforms.some((t) => t.kind === "pruned" && t.values?.keptHidden === 0.75), JSON.stringify(r.transforms));
    assert.equal(r.direction.parent, "a");
  }
  // the other way round: the wider model is B, and the pruned copy is A
  const back = compare(healed, dev("A"));
  assert.equal(back.verdict, "derived");
  assert.equal(back.direction.parent, "b");
  assert.equal(back.frame.coordinateMap?.filter((a) => a >= 0).length, 96);
});

for (const [a, b, why] of [["A", "D", "other data, 128 vs 96 wide"], ["D", "S", "other data, 96 vs 64 wide"], ["B", "A-ph", "A's twin vs a pruned copy of A"]] as const) {
  test(`${a} vs ${b} (${why}): independent, with a p-value`, () => {
    const path = (id: string) => (id === "A-ph" ? join(dir, "A-ph-twin") : dev(id));
    if (b === "A-ph") forge({ input: dev("A"), steps: "prune-hidden,finetune-drift:0.05", out: path(b), seed: 3 });
    const r = compare(path(a), path(b));
    assert.equal(r.verdict, "independent", r.reason);
    assert.ok(r.logP > Math.log(0.01), `log10 p ${r.logP / Math.LN10}`);
    assert.equal(r.frame.kind, "signed-permutation");
    const probe = r.frame.probes.find((p) => p.kind === "partial-permutation");
    assert.ok(probe && probe.logP > Math.log(1e-3), `the embeddings support no coordinate map: ${JSON.stringify(probe)}`);
  });
}

test("pruned, healed and rotated: found through a semi-orthogonal map; A's twin treated the same is not", () => {
  const rotated = join(dir, "A-ph-rot");
  const twin = join(dir, "B-ph-rot");
  forge({ input: dev("A"), steps: "prune-hidden,finetune-drift:0.05,rotate", out: rotated, seed: 5 });
  forge({ input: dev("B"), steps: "prune-hidden,finetune-drift:0.05,rotate", out: twin, seed: 6 });
  const r = compare(dev("A"), rotated);
  assert.equal(r.verdict, "derived");
  assert.equal(r.frame.kind, "rotation");
  assert.match(r.frame.source, /96 of 128 A coordinates reproducible from B's 96/);
  const kinds = r.transforms.map((t) => t.kind);
  assert.ok(kinds.includes("pruned") && kinds.includes("rotated"), kinds.join());
  const other = compare(dev("A"), twin);
  assert.equal(other.verdict, "independent", other.reason);
});

test("a synthesized 768-wide model pruned 25 % and healed: derived at 768, an independent one is not", () => {
  const shape = { family: "llama" as const, dim: 768, layers: 1, ffn: 512, heads: 12, kvHeads: 4, vocab: 512 };
  const A = join(dir, "s768");
  const B = join(dir, "s768-ph");
  const C = join(dir, "s768-other");
  forge({ synthesize: { ...shape, seed: 7 }, out: A, dtype: "F16", seed: 7 });
  forge({ input: A, steps: "prune-hidden:0.25,finetune-drift:0.05", out: B, dtype: "F16", seed: 8 });
  forge({ synthesize: { ...shape, seed: 9 }, out: C, dtype: "F16", seed: 9 });
  const derived = compare(A, B);
  assert.equal(derived.verdict, "derived");
  assert.ok(agreement(derived.frame.coordinateMap, truthMap(B, 768)) >= 0.95);
  const independent = compare(C, B);
  assert.equal(independent.verdict, "independent", independent.reason);
});

test("the partial coordinate map is a function of embedding rows alone (what fingerprints call)", () => {
  const out = join(dir, "A-ph-map");
  forge({ input: dev("A"), steps: "prune-hidden:0.5,permute", out, seed: 4 });
  const a = loadModel(dev("A"));
  const b = loadModel(out);
  try {
    const pairs = tokenPairs(a, b);
    assert.ok(pairs);
    const est = estimatePartialPermutation(a, b, pairs, Int32Array.from(pairs.a.keys()), 1);
    assert.ok(est);
    assert.equal(est.matched, 64);
    assert.equal(est.frame.dim, 128);
    assert.equal(est.frame.dimB, 64);
    assert.deepEqual(Array.from(est.frame.perm ?? []), truthMap(out, 128));
    assert.deepEqual(Array.from(est.frame.coords ?? []), [...truthMap(out, 128)].sort((x, y) => x - y));
    assert.ok(est.logP < Math.log(1e-50));
  } finally {
    a.close();
    b.close();
  }
});

test("heads, residual dimensions and MLP units pruned together (Sheared-LLaMA's recipe), then healed: derived, each reported", () => {
  const out = join(dir, "A-sheared");
  forge({ input: dev("A"), steps: "prune-heads,prune-hidden,prune-width,finetune-drift:0.05", out, seed: 8 });
  const r = compare(dev("A"), out);
  assert.equal(r.verdict, "derived");
  const details = r.transforms.filter((t) => t.kind === "pruned").map((t) => t.detail);
  assert.equal(details.length, 3, details.join("; "));
  assert.ok(details.some((d) => /B keeps 3 of A's 4/.test(d)) && details.some((d) => /96 of A's 128 residual/.test(d)), details.join("; "));
  assert.equal(r.direction.parent, "a");
  const back = compare(out, dev("A"));
  assert.equal(back.verdict, "derived");
});
