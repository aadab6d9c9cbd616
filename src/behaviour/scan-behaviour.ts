/**
 * @module behaviour/scan-behaviour
 * `scan --behaviour`: was the suspect trained on a registered model's outputs? Only the suspect's
 * forward passes are run; every registered model with a behavioural fingerprint (stored.ts) made on
 * the same probes is a target in turn, tested with compare --behaviour's test (verdict.ts) against
 * registered models chosen as its controls (scan-controls.ts): of the suspect's tokenizer, not
 * related to the target or the suspect by weights, nearest the suspect's size. A target of the
 * suspect's tokenizer is compared token by token, one of another tokenizer at the text level
 * (text-level.ts; both sides kept a text view). The targets tested are n tests, so each is judged at
 * ALPHA_BEHAVIOUR / n (Bonferroni) and its p-value is reported raw and adjusted.
 *
 * Registered models whose behaviour is that of the suspect (the same top tokens everywhere, log-
 * probabilities within the storage's rounding) are the suspect itself or a copy of it: they are
 * named, and neither tested nor used as controls. A target left with fewer than 2 controls is
 * named as untested and not counted.
 */
import type { BehaviourLevel } from "./compare-behaviour.js";
import type { BehaviourRecord } from "./record.js";
import { chooseControls, planScan, type IsRelative, type RegisteredBehaviour } from "./scan-controls.js";
import { onCommonOffsets } from "./text-level.js";
import { ALPHA_BEHAVIOUR, behaviourVerdict, type BehaviourVerdictKind, type NamedRecord } from "./verdict.js";

/** Candidates kept in the report (lowest p-values first). */
export const REPORTED_CANDIDATES = 10;

export interface ScanBehaviourOptions {
  /** True when a registered model is a weight relative of the target or of the suspect: never its control. */
  isRelative?: IsRelative;
}

export interface BehaviourCandidate {
  name: string;
  /** "token": the suspect's tokenizer; "text": another one, compared at the text level. */
  level: BehaviourLevel;
  verdict: BehaviourVerdictKind;
  pValue: number;
  /** min(1, n pValue) over the n targets tested. */
  pAdjusted: number;
  pRank: number;
  /** The p-value a copy of the target would get against these controls (above alphaPerTest the test could find nothing). */
  pBest: number;
  effect: number;
  t: number;
  suspectAgreement: number;
  controls: Array<{ name: string; agreement: number }>;
  reason: string;
  /** Weight relatives of the target or of the suspect met while choosing the controls, left out. */
  relatives: string[];
}

export interface BehaviourScan {
  probesVersion: string;
  /** Registered models with a behavioural fingerprint. */
  registered: number;
  /** Of them, made on the same probes, with the suspect's tokenizer or a text view. */
  comparable: number;
  /** Behaviourally identical to the suspect (itself or a copy): not tested. */
  identical: string[];
  /** Targets tested (the Bonferroni factor). */
  tests: number;
  /** Targets left untested: fewer than 2 controls. */
  untested: string[];
  /** The level each test is judged at: ALPHA_BEHAVIOUR / tests. */
  alphaPerTest: number;
  derived: string[];
  candidates: BehaviourCandidate[];
  /** The suspect's forward passes. */
  cost: { tokens: number; seconds: number };
  /** Why nothing was tested, when nothing was. */
  note?: string;
}

/** The test at one level: token records as they are, or text views cut to the boundaries all of them share. */
function verdictAt(level: BehaviourLevel, target: RegisteredBehaviour, suspect: RegisteredBehaviour, controls: RegisteredBehaviour[], alpha: number) {
  if (level === "token") return behaviourVerdict(target, suspect, controls, 0, alpha);
  const all = [target, suspect, ...controls];
  const cut = onCommonOffsets(all.map((r) => r.record.text as BehaviourRecord)).map((record, i) => ({ name: (all[i] as RegisteredBehaviour).name, record }));
  return behaviourVerdict(cut[0] as NamedRecord, cut[1] as NamedRecord, cut.slice(2), 0, alpha);
}

export async function scanBehaviour(suspect: RegisteredBehaviour, registered: RegisteredBehaviour[], opts: ScanBehaviourOptions = {}): Promise<BehaviourScan> {
  const isRelative = opts.isRelative ?? (() => false);
  const { comparable, copies, plans } = planScan(suspect, registered);
  const cost = { tokens: suspect.record.tokens, seconds: Math.round(suspect.record.seconds * 100) / 100 };
  const base = { probesVersion: suspect.record.probesVersion, registered: registered.length, comparable, identical: copies.map((r) => r.name), cost };
  const tooFew = { ...base, tests: 0, alphaPerTest: ALPHA_BEHAVIOUR, derived: [], candidates: [] };
  if (comparable - copies.length < 3) {
    return { ...tooFew, untested: [], note: `${comparable - copies.length} registered model(s) with a comparable behavioural fingerprint: the test needs a target and at least 2 controls (register models with --behaviour)` };
  }
  const chosen = [];
  for (const p of plans) chosen.push({ ...p, ...(await chooseControls(p.target.name, p.order, isRelative)) });
  const tested = chosen.filter((p) => p.controls.length >= 2);
  const untested = chosen.filter((p) => p.controls.length < 2).map((p) => p.target.name);
  const n = tested.length;
  if (n === 0) return { ...tooFew, untested, note: "no registered model could be tested: each needs 2 controls of the suspect's tokenizer, related by weights neither to it nor to the suspect" };
  const alpha = ALPHA_BEHAVIOUR / n;
  const candidates = tested.map(({ target, level, controls, relatives }): BehaviourCandidate => {
    const r = verdictAt(level, target, suspect, controls, alpha);
    return {
      name: target.name, level, verdict: r.verdict, pValue: r.pValue, pAdjusted: Math.min(1, r.pValue * n), pRank: r.pRank, pBest: r.test.pBest, effect: r.effect, t: r.t,
      suspectAgreement: r.suspectAgreement, controls: r.controls, reason: r.reason, relatives,
    };
  });
  candidates.sort((x, y) => x.pValue - y.pValue || (x.name < y.name ? -1 : 1));
  return {
    ...base, tests: n, untested, alphaPerTest: alpha, derived: candidates.filter((c) => c.verdict === "behaviour-derived").map((c) => c.name),
    candidates: candidates.slice(0, REPORTED_CANDIDATES),
  };
}
