/**
 * @module verdict/decide
 * Evidence -> verdict. The overall p-value is the smallest component p-value times the number of
 * tests that could have produced it (Bonferroni: valid whatever the dependence between components).
 * Thresholds are fixed in advance from the null, not fitted to any data set:
 * - derived:      p <= ALPHA_DERIVED (1e-6), strong evidence of shared weights;
 * - independent:  p > ALPHA_INDEPENDENT (0.01) and the comparison had power (comparable units were
 *                 tested, so a derivative would have shown thousands of sigma);
 * - inconclusive: everything else (weak evidence, or nothing comparable).
 */
export const ALPHA_DERIVED = 1e-6;
export const ALPHA_INDEPENDENT = 0.01;

export type VerdictKind = "derived" | "independent" | "inconclusive";

export interface Decision {
  verdict: VerdictKind;
  /** ln p after multiple-testing correction. */
  logP: number;
  reason: string;
}

export function decide(minLogP: number, tests: number, powered: boolean, why: string): Decision {
  const logP = Math.min(0, minLogP + Math.log(Math.max(1, tests)));
  if (logP <= Math.log(ALPHA_DERIVED)) return { verdict: "derived", logP, reason: why };
  if (!powered) return { verdict: "inconclusive", logP, reason: "nothing comparable enough to test: no shared residual width or units" };
  if (logP > Math.log(ALPHA_INDEPENDENT)) return { verdict: "independent", logP, reason: "no component of B shares weights with A beyond what independent training produces" };
  return { verdict: "inconclusive", logP, reason: "some similarity, short of the evidence needed for derivation" };
}
