/**
 * @module evidence/exceedance
 * The test at the heart of `compare`. Each sampled unit of B gets a p-value for its best match in A
 * under the null that it is unrelated to every A unit: a union bound over the n candidates of the
 * Gaussian tail of its similarity (measured in units of the null spread). A unit "matches" when that
 * p-value is below UNIT_LEVEL. Counting distinct matches, the component's p-value is the binomial
 * tail of the count with per-unit probability CONVERGENCE_ALLOWANCE + UNIT_LEVEL: up to that
 * fraction of units may look alike in independently trained models (convergent features) without
 * being taken as evidence. Derived weights match nearly every unit; independent ones match none.
 */
import { logBinomialSf, logNormalSf } from "../numeric/stats.js";

/** Per-unit significance for a match (after the union bound over candidates). */
export const UNIT_LEVEL = 1e-9;
/** Fraction of units that independent models may share by convergent learning (composite null). */
export const CONVERGENCE_ALLOWANCE = 0.05;

export interface UnitMatch {
  /** B unit index. */
  b: number;
  /** Best A unit index. */
  a: number;
  /** Similarity of the best match, in the statistic's own units. */
  score: number;
  /** ln p of the best match under the null (union over candidates). */
  logP: number;
}

/** ln p for a best score `score` among `candidates` A units, the statistic having null spread `scale`. */
export function unitLogP(score: number, scale: number, candidates: number, sides: number): number {
  return Math.min(0, Math.log(sides * candidates) + logNormalSf(score / scale));
}

export interface ExceedanceResult {
  /** Units tested. */
  tested: number;
  /** Distinct units matched below UNIT_LEVEL. */
  matched: number;
  /** ln p of the component. */
  logP: number;
  /** The distinct matches (B unit -> A unit). */
  matches: UnitMatch[];
}

/**
 * Per-token significance for token rows. A token has one candidate (itself), and in the frames where
 * token rows are tested (identity, or a permutation fitted on other tokens) the similarity of
 * different tokens is exactly the null of the same token's, so a laxer level keeps its validity and
 * gives narrow models (d = 64) power.
 */
export const TOKEN_LEVEL = 1e-4;

/** Count distinct significant matches (greedy by strength: each A unit is claimed once) and test the count. */
export function exceedanceTest(units: UnitMatch[], unitLevel = UNIT_LEVEL): ExceedanceResult {
  const level = Math.log(unitLevel);
  const claimed = new Set<number>();
  const matches: UnitMatch[] = [];
  for (const u of [...units].sort((x, y) => x.logP - y.logP)) {
    if (u.logP > level) break;
    if (claimed.has(u.a)) continue;
    claimed.add(u.a);
    matches.push(u);
  }
  const logP = logBinomialSf(units.length, CONVERGENCE_ALLOWANCE + unitLevel, matches.length);
  return { tested: units.length, matched: matches.length, logP, matches };
}
