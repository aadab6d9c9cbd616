/**
 * @module scan/match
 * One registered model against the suspect. First fingerprint against fingerprint (cheap, the
 * suspect's fingerprint is computed once); when that does not show derivation and the suspect's
 * weights are at hand, the registered fingerprint against the suspect's full weights (every unit
 * of the suspect is a candidate, so copies that kept few prominent units still show). When both
 * routes run, the better p-value is corrected for two tests.
 */
import { compareFingerprints, compareFingerprintToModel, describedPair } from "../fingerprint/compare-fp.js";
import type { Fingerprint } from "../fingerprint/types.js";
import type { CanonicalModel } from "../model/canonical.js";
import { ALPHA_DERIVED } from "../verdict/decide.js";
import type { CompareResult } from "../verdict/result.js";

export type Route = "fingerprints" | "fingerprint and weights";

export interface PairOutcome {
  result: CompareResult;
  route: Route;
  routes: number;
}

/**
 * `settledAt`: ln p at or below which the fingerprints alone settle the question (the scan's
 * threshold after its own correction); weaker evidence goes on to the weights when they are given.
 */
export function matchOne(registered: Fingerprint, suspectFp: Fingerprint, suspect: CanonicalModel | null, settledAt = Math.log(ALPHA_DERIVED)): PairOutcome {
  const fast = compareFingerprints(registered, suspectFp);
  // "independent" from fingerprints settles it only when frames could be fitted (both kept anchor
  // rows) or none was needed (descriptors)
  const framed = describedPair(registered, suspectFp) || (registered.anchors.embed !== null && suspectFp.anchors.embed !== null);
  if ((fast.verdict === "derived" && fast.logP <= settledAt) || (fast.verdict === "independent" && framed) || suspect === null) return { result: fast, route: "fingerprints", routes: 1 };
  const deep = compareFingerprintToModel(registered, suspect);
  const best = deep.logP < fast.logP ? { r: deep, route: "fingerprint and weights" as const } : { r: fast, route: "fingerprints" as const };
  const logP = Math.min(0, best.r.logP + Math.LN2);
  const verdict = best.r.verdict === "derived" && logP > Math.log(ALPHA_DERIVED) ? "inconclusive" : best.r.verdict;
  return { result: { ...best.r, logP, verdict, tests: best.r.tests * 2 }, route: best.route, routes: 2 };
}
