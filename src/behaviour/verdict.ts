/**
 * @module behaviour/verdict
 * Behaviour records of A, B and the controls -> a behavioural verdict: behaviour-derived,
 * behaviour-independent or inconclusive, with the p-values, the effect size, the probe positions that
 * carry the evidence and the cost. Never mixed with the weight verdict.
 *
 * Thresholds are fixed in advance, not fitted to any model set: behaviour-derived at pValue <= 0.01
 * (one test per comparison); behaviour-independent at pValue > 0.01 when the test had power (a
 * perfect copy of A would have reached 0.01) and some control agrees with A at least as much as B;
 * inconclusive otherwise.
 *
 * The null needs B to be "like the controls". A guard checks what can be checked without A: if B is
 * the pool's most isolated member (its nearest neighbour among the pool is farther than every
 * control's), the controls do not stand for models like B and the verdict is inconclusive whatever
 * the p-value. The guard can only withhold a verdict, never make one.
 */
import { UsageError } from "../errors.js";
import { agreement, alignedPositions, poolDistances } from "./agreement.js";
import { poolTest, type PoolTest } from "./pool-test.js";
import type { BehaviourRecord } from "./record.js";

export const ALPHA_BEHAVIOUR = 0.01;

export type BehaviourVerdictKind = "behaviour-derived" | "behaviour-independent" | "inconclusive";

export interface EvidencePosition {
  probe: number;
  pos: number;
  /** The position's share of B's agreement minus the controls' mean share. */
  excess: number;
  /** A's most likely next token there, with A's and B's probabilities of it. */
  token: number;
  pA: number;
  pB: number;
}

export interface BehaviourResult {
  verdict: BehaviourVerdictKind;
  pValue: number;
  pRank: number;
  effect: number;
  t: number;
  reason: string;
  probesVersion: string;
  probes: number;
  positions: number;
  /** Each control's agreement with A's idiosyncrasies, and its distance to its nearest pool member. */
  controls: Array<{ name: string; agreement: number; nearest: number }>;
  /** B's distance to its nearest control (see poolDistances). */
  suspectNearest: number;
  suspectAgreement: number;
  /** B's agreement minus the controls' mean, probe text by probe text. */
  byProbe: number[];
  evidence: EvidencePosition[];
  test: PoolTest;
}

export interface NamedRecord {
  name: string;
  record: BehaviourRecord;
}

/** Throws unless every record used the same probes and tokenized them the same way. */
export function checkComparable(records: NamedRecord[]): void {
  const [first, ...rest] = records;
  if (!first) return;
  for (const r of rest) {
    if (r.record.probesVersion !== first.record.probesVersion) throw new UsageError(`${r.name} was probed with ${r.record.probesVersion}, ${first.name} with ${first.record.probesVersion}`);
    r.record.probes.forEach((p, i) => {
      const q = first.record.probes[i];
      const n = Math.min(p.tokens.length, q?.tokens.length ?? 0);
      for (let j = 0; j < n; j++) {
        if (p.tokens[j] !== q?.tokens[j]) {
          throw new UsageError(`${r.name} and ${first.name} tokenize the probe texts differently (probe ${i + 1}, token ${j + 1}); the behavioural test needs one tokenizer for all models`);
        }
      }
    });
  }
}

const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / Math.max(1, v.length);

/**
 * The behavioural verdict on "B was trained on A's outputs" given the controls, at level `alpha`
 * (ALPHA_BEHAVIOUR for one comparison; a scan over n targets passes ALPHA_BEHAVIOUR / n).
 */
export function behaviourVerdict(a: NamedRecord, b: NamedRecord, controls: NamedRecord[], evidenceCount = 8, alpha = ALPHA_BEHAVIOUR): BehaviourResult {
  if (controls.length < 1) throw new UsageError("the behavioural test needs at least one control model (--controls)");
  checkComparable([a, b, ...controls]);
  const pool = [b, ...controls].map((r) => r.record);
  const aligned = alignedPositions(a.record, pool);
  const ag = agreement(aligned, pool.length);
  const per = ag.byProbe.map(mean);
  const test = poolTest(per[0] as number, per.slice(1));
  const k = controls.length;
  const byProbe = (ag.byProbe[0] as number[]).map((s, t) => s - mean(ag.byProbe.slice(1).map((c) => c[t] as number)));

  const evidence: EvidencePosition[] = [];
  aligned.forEach((block, t) => {
    block.forEach((p, i) => {
      const mine = (ag.byPosition[0] as number[][])[t]?.[i] ?? 0;
      const theirs = mean(ag.byPosition.slice(1).map((c) => c[t]?.[i] ?? 0));
      evidence.push({ probe: t, pos: p.pos, excess: mine - theirs, token: p.tokens[0] as number, pA: Math.exp(p.a[0] as number), pB: Math.exp((p.pool[0] as Float64Array)[0] as number) });
    });
  });
  evidence.sort((x, y) => y.excess - x.excess);
  const positions = aligned.reduce((s, blk) => s + blk.length, 0);

  const dist = poolDistances(aligned, pool.length);
  const nearest = dist.map((row, x) => Math.min(...row.filter((_, y) => y !== x)));
  const isolated = k >= 2 && (nearest[0] as number) > Math.max(...nearest.slice(1));

  let verdict: BehaviourVerdictKind;
  let reason: string;
  if (isolated) {
    verdict = "inconclusive";
    reason = "B behaves unlike every control (it is the pool's most isolated model): give controls trained like B";
  } else if (test.pValue <= alpha) {
    verdict = "behaviour-derived";
    reason = `B reproduces A's idiosyncratic predictions more than ${k} independently trained control(s) do`;
  } else if (test.pBest > alpha) {
    verdict = "inconclusive";
    reason = k < 2 ? "one control gives no spread to test against: give at least 2 (3 or more for power)" : "the controls disagree so much that even a copy of A would not stand out: give controls trained like B";
  } else if (test.pRank === 1 / (k + 1)) {
    verdict = "inconclusive";
    reason = "B agrees with A's idiosyncrasies more than every control does, short of the evidence needed";
  } else {
    verdict = "behaviour-independent";
    reason = "B reproduces A's idiosyncrasies no more than an independently trained control does";
  }
  return {
    verdict, pValue: test.pValue, pRank: test.pRank, effect: test.effect, t: test.t, reason,
    probesVersion: a.record.probesVersion, probes: aligned.length, positions,
    controls: controls.map((c, j) => ({ name: c.name, agreement: per[j + 1] as number, nearest: nearest[j + 1] as number })),
    suspectNearest: nearest[0] as number,
    suspectAgreement: per[0] as number, byProbe, evidence: evidence.slice(0, evidenceCount), test,
  };
}
