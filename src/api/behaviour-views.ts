/**
 * @module api/behaviour-views
 * A scan's `behaviour` section (report/behaviour-document.ts) in the server's views of the scan
 * (api/scan-views.ts). The rule, following the weight matches' views:
 * - full (admins): the section as scan() made it.
 * - bounded (owners, analysts, who may not learn the registry's size): nothing that counts the
 *   registered behavioural fingerprints. `registered`, `comparable` and `untested` (targets whose
 *   fewer than 2 controls: names and a count) are left out, and so are each candidate's
 *   `relatives` and `pBest`. The Bonferroni correction is for the weight views' bound instead of
 *   the targets tested (the bound is never below their number, so it stays valid):
 *   testsCorrectedFor, alphaPerTest and pAdjusted follow from it; a behaviour-derived verdict whose
 *   p-value is above alpha / bound becomes inconclusive, and so does a behaviour-independent one
 *   whose test had no power at alpha / bound (pBest above it). Verdicts can only be more cautious.
 *   The first BOUNDED_CANDIDATES candidates are listed, or none when fewer targets were tested (the
 *   list's length must not tell how many), each without its controls, pRank and t (the number of
 *   controls, the comparable models less one up to 16, follows from each), its reason without a
 *   count. A "nothing tested" note says no count. The names of models the reader may not see are
 *   masked by server/visibility.ts, as the matches' are.
 * - open (the public): no result. Each test's controls are registered models of any tier, so no
 *   behavioural p-value is made of open models alone (the open weight view is the scan as if only
 *   the open models were registered); the section says so, with the probes and the cost.
 */
import { ALPHA_BEHAVIOUR } from "../behaviour/verdict.js";
import type { BehaviourScanDocument } from "../report/behaviour-document.js";

/** Candidates the bounded view lists: a test needs a target and 2 controls, so at least 3 are tested. */
export const BOUNDED_CANDIDATES = 3;

type Candidate = BehaviourScanDocument["candidates"][number];

export interface BoundedCandidate {
  name: string;
  level: Candidate["level"];
  verdict: Candidate["verdict"];
  pValue: number;
  pAdjusted: number;
  effect: { agreementExcess: number; suspectAgreement: number };
  reason: string;
}

export type BoundedBehaviour = Omit<BehaviourScanDocument, "registered" | "comparable" | "candidates" | "untested"> & { candidates: BoundedCandidate[] };

export interface OpenBehaviour {
  question: string;
  probesVersion: string;
  alpha: number;
  candidates: [];
  derived: [];
  identical: [];
  cost: BehaviourScanDocument["cost"];
  note: string;
}

const TOO_FEW = "too few registered models with a comparable behavioural fingerprint: the test needs a target and at least 2 controls (register models with --behaviour)";
const FEW_SHOWN = "fewer registered models could be tested than this view lists: their results are in an admin's view";
const NOT_OPEN = "behavioural results are not shown against open models only: each test's controls are registered models of any tier";

/** A reason as the bounded view may give it: "more than 4 independently trained control(s)" tells the count. */
function reasonWithoutCount(c: Candidate, derived: boolean): string {
  if (c.verdict === "behaviour-derived" && !derived) return "B agrees with A's idiosyncrasies more than the controls do, short of the evidence needed at the bound's level";
  const r = c.reason.replace(/\b\d+ (independently trained )?control\(s\)/g, "the $1controls");
  return /\d/.test(r) ? `${c.verdict}: see the admin's view for the reason` : r;
}

export function boundedBehaviour(b: BehaviourScanDocument, bound: number): BoundedBehaviour {
  const candidates = b.candidates;
  const rest: Omit<BehaviourScanDocument, "registered" | "comparable" | "candidates" | "untested"> & Partial<BehaviourScanDocument> = { ...b };
  delete rest.registered;
  delete rest.untested;
  delete rest.comparable;
  delete rest.candidates;
  // fewer tests than the list's length would tell how many were made: then no list at all
  if (b.testsCorrectedFor === 0) return { ...rest, note: TOO_FEW, candidates: [] };
  if (b.testsCorrectedFor < BOUNDED_CANDIDATES) return { ...rest, testsCorrectedFor: bound, alphaPerTest: ALPHA_BEHAVIOUR / bound, derived: [], note: FEW_SHOWN, candidates: [] };
  const alphaPerTest = ALPHA_BEHAVIOUR / bound;
  const stays = (c: Candidate) => c.verdict === "behaviour-derived" && c.pValue <= alphaPerTest;
  // "independent" needs power at the level judged: a copy of the target must have stood out at alpha / bound
  const verdictOf = (c: Candidate): Candidate["verdict"] => {
    if (c.verdict === "behaviour-derived" && !stays(c)) return "inconclusive";
    if (c.verdict === "behaviour-independent" && c.pBest > alphaPerTest) return "inconclusive";
    return c.verdict;
  };
  return {
    ...rest,
    testsCorrectedFor: bound,
    alphaPerTest,
    // a derived model past the reported candidates has no p-value here: left out (more cautious)
    derived: b.derived.filter((name) => candidates.some((c) => c.name === name && stays(c))),
    candidates: candidates.slice(0, BOUNDED_CANDIDATES).map((c) => ({
      name: c.name,
      level: c.level,
      verdict: verdictOf(c),
      pValue: c.pValue,
      pAdjusted: Math.min(1, c.pValue * bound),
      effect: { agreementExcess: c.effect.agreementExcess, suspectAgreement: c.effect.suspectAgreement },
      reason: c.verdict === "behaviour-independent" && verdictOf(c) === "inconclusive" ? "even a copy of A would not stand out at the level this view judges at" : reasonWithoutCount(c, stays(c)),
    })),
  };
}

export function openBehaviour(b: BehaviourScanDocument): OpenBehaviour {
  return { question: b.question, probesVersion: b.probesVersion, alpha: b.alpha, candidates: [], derived: [], identical: [], cost: b.cost, note: NOT_OPEN };
}
