/**
 * Shared body of the dev-family compare tests: each truth.json pair must come out derived exactly
 * when the ground truth says so (never derived for negatives), with the ground-truth layer map and
 * shared components.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { compare } from "../../src/compare.js";
import { devPath, TRUTH, type TruthPair } from "../../src/test-support/dev-truth.js";

function expectedMap(p: TruthPair): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (const [b, a] of Object.entries(p.layerMap ?? {})) m.set(Number(b), Array.isArray(a) ? a : [a]);
  return m;
}

export function runPairs(select: (p: TruthPair, i: number) => boolean): void {
  TRUTH.pairs.filter(select).forEach((p) => {
    test(`${p.id} ${p.a} vs ${p.b} (${p.relation}): ${p.derived ? "derived" : "not derived"}`, () => {
      const r = compare(devPath(p.a), devPath(p.b));
      if (!p.derived) {
        assert.notEqual(r.verdict, "derived", `negative pair judged derived, log10 p ${r.logP / Math.LN10}`);
        return;
      }
      assert.equal(r.verdict, "derived");
      assert.ok(r.logP < Math.log(1e-12), `p = e^${r.logP}`);
      const want = expectedMap(p);
      for (const link of r.layerMap) {
        const allowed = want.get(link.b);
        if (allowed) assert.ok(link.a !== null && allowed.includes(link.a), `B layer ${link.b}: found ${link.a}, truth ${allowed}`);
        else assert.equal(link.a, null, `B layer ${link.b} should be independent, found A layer ${link.a}`);
      }
      if (p.components) {
        const status = new Map(r.components.map((c) => [c.component, c.status]));
        for (const c of p.components.shared) if (c === "embed" || c === "lm_head") assert.equal(status.get(c === "lm_head" ? "head" : c), "shared", c);
        for (const c of p.components.independent) if (c === "embed" || c === "lm_head") assert.notEqual(status.get(c === "lm_head" ? "head" : c), "shared", c);
      }
    });
  });
}
