/**
 * @module behaviour/scan-behaviour
 * `scan --behaviour`: was the suspect trained on a registered model's outputs? Only the suspect's
 * forward passes are run; every registered model with a behavioural fingerprint (stored.ts) made on
 * the same probes with the same tokenizer is a target in turn, tested with compare --behaviour's
 * test (verdict.ts) against the other such models as controls. The targets are n tests, so each is
 * judged at ALPHA_BEHAVIOUR / n (Bonferroni) and its p-value is reported raw and adjusted.
 *
 * Registered models with another tokenizer are targets too when both sides kept a text view (stored
 * layout 2): the test then runs at the text level (text-level.ts), every text view a control.
 *
 * Registered models whose behaviour is that of the suspect (the same top tokens everywhere, log-
 * probabilities within the storage's rounding) are the suspect itself or a copy of it: they are
 * named, and neither tested nor used as controls.
 *
 * Controls for a target T stand for "a model trained like the suspect without access to T", so
 * T's weight relatives (derived from T, T derived from them, or both from a third: the caller's
 * `related`) are never T's controls: a quantization of T behaves like T and would hide any student
 * of T. Of the others, the MAX_CONTROLS nearest the suspect in size (parameters, on a log scale;
 * then registration order). The choice looks at T's and the pool's weights and at the suspect's
 * size, never at anyone's behaviour, so under H0 the suspect stays exchangeable with its controls.
 */
import { ALPHA_BEHAVIOUR, behaviourVerdict, checkComparable, type BehaviourVerdictKind, type NamedRecord } from "./verdict.js";
import type { BehaviourLevel } from "./compare-behaviour.js";
import type { BehaviourRecord } from "./record.js";
import { onCommonOffsets } from "./text-level.js";

/** Controls per target at most (the test's cost grows with the square of the pool). */
export const MAX_CONTROLS = 16;
/** Candidates kept in the report (lowest p-values first). */
export const REPORTED_CANDIDATES = 10;

export interface RegisteredBehaviour {
  name: string;
  record: BehaviourRecord;
  /** Parameters of the model's weights: controls are chosen near the suspect's size. */
  parameters?: number;
}

export interface ScanBehaviourOptions {
  /** True when two registered models are related by their weights; such a model is never a control for the other. */
  related?: (a: string, b: string) => boolean;
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
  effect: number;
  t: number;
  suspectAgreement: number;
  controls: Array<{ name: string; agreement: number }>;
  reason: string;
  /** The target's weight relatives, left out of its controls. */
  relatives: string[];
}

export interface BehaviourScan {
  probesVersion: string;
  /** Registered models with a behavioural fingerprint. */
  registered: number;
  /** Of them, made on the same probes with the same tokenizer as the suspect. */
  comparable: number;
  /** Behaviourally identical to the suspect (itself or a copy): not tested. */
  identical: string[];
  /** Targets tested (the Bonferroni factor). */
  tests: number;
  /** Targets left untested: their weight relatives leave fewer than 2 controls. */
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

export function comparable(a: RegisteredBehaviour, b: RegisteredBehaviour): boolean {
  try {
    checkComparable([a, b]);
    return a.record.probes.length === b.record.probes.length;
  } catch {
    return false;
  }
}

/** Same top token at every position and top log-probabilities within 1/8 nat (the storage's step). */
export function identical(a: BehaviourRecord, b: BehaviourRecord): boolean {
  for (let t = 0; t < a.probes.length; t++) {
    const p = a.probes[t];
    const q = b.probes[t];
    if (!p || !q || p.tokens.length !== q.tokens.length) return false;
    for (let i = 0; i < p.tokens.length; i++) {
      if (p.ids[i * a.k] !== q.ids[i * b.k]) return false;
      if (Math.abs((p.logp[i * a.k] as number) - (q.logp[i * b.k] as number)) > 0.125) return false;
    }
  }
  return true;
}

/** |ln(parameters) - ln(the suspect's)|; unknown sizes last. */
function sizeGap(suspect: RegisteredBehaviour, r: RegisteredBehaviour): number {
  const a = suspect.parameters;
  const b = r.parameters;
  return a && b && a > 0 && b > 0 ? Math.abs(Math.log(b / a)) : Infinity;
}

/** T's controls: the pool without T and its weight relatives, nearest the suspect's size first, then in registration order. */
export function controlsFor(target: RegisteredBehaviour, suspect: RegisteredBehaviour, pool: readonly RegisteredBehaviour[], related: (a: string, b: string) => boolean): { controls: RegisteredBehaviour[]; relatives: string[] } {
  const others = pool.filter((r) => r !== target);
  const relatives = others.filter((r) => related(target.name, r.name));
  const order = others.filter((r) => !relatives.includes(r)).map((r, i) => ({ r, i, gap: sizeGap(suspect, r) }));
  order.sort((x, y) => x.gap - y.gap || x.i - y.i);
  return { controls: order.slice(0, MAX_CONTROLS).map((o) => o.r), relatives: relatives.map((r) => r.name) };
}

/** Both kept a text view (layout 2) on the same probes: comparable at the text level whatever their tokenizers. */
export function textComparable(a: RegisteredBehaviour, b: RegisteredBehaviour): boolean {
  const x = a.record.text;
  const y = b.record.text;
  return !!x && !!y && x.probesVersion === y.probesVersion && x.probes.length === y.probes.length;
}

/** The test at one level: token records as they are, or text views cut to the boundaries all of them share. */
function verdictAt(level: BehaviourLevel, target: RegisteredBehaviour, suspect: RegisteredBehaviour, controls: RegisteredBehaviour[], alpha: number) {
  if (level === "token") return behaviourVerdict(target, suspect, controls, 0, alpha);
  const all = [target, suspect, ...controls];
  const cut = onCommonOffsets(all.map((r) => r.record.text as BehaviourRecord)).map((record, i) => ({ name: (all[i] as RegisteredBehaviour).name, record }));
  return behaviourVerdict(cut[0] as NamedRecord, cut[1] as NamedRecord, cut.slice(2), 0, alpha);
}

export function scanBehaviour(suspect: RegisteredBehaviour, registered: RegisteredBehaviour[], opts: ScanBehaviourOptions = {}): BehaviourScan {
  const related = opts.related ?? (() => false);
  const same = registered.filter((r) => comparable(suspect, r));
  const copies = same.filter((r) => identical(suspect.record, r.record));
  const pool = same.filter((r) => !copies.includes(r));
  // models with other tokenizers are targets at the text level, against every text view as controls
  const other = registered.filter((r) => !same.includes(r) && textComparable(suspect, r));
  const textPool = [...pool, ...other].filter((r) => textComparable(suspect, r));
  const cost = { tokens: suspect.record.tokens, seconds: Math.round(suspect.record.seconds * 100) / 100 };
  const base = { probesVersion: suspect.record.probesVersion, registered: registered.length, comparable: same.length + other.length, identical: copies.map((r) => r.name), cost };
  if (pool.length + other.length < 3) {
    return {
      ...base, tests: 0, untested: [], alphaPerTest: ALPHA_BEHAVIOUR, derived: [], candidates: [],
      note: `${pool.length + other.length} registered model(s) with a comparable behavioural fingerprint: the test needs a target and at least 2 controls (register models with --behaviour)`,
    };
  }
  const atText = (target: RegisteredBehaviour) => ({ target, level: "text" as const, ...controlsFor(target, suspect, textPool, related) });
  const plans = [
    // a target of the suspect's tokenizer is tested token by token, or at the text level when too few
    // models of that tokenizer are left to be its controls
    ...pool.map((target) => {
      const plan = { target, level: "token" as const, ...controlsFor(target, suspect, pool, related) };
      return plan.controls.length < 2 && textComparable(suspect, target) ? atText(target) : plan;
    }),
    ...other.map(atText),
  ];
  // a target whose weight relatives fill the pool leaves too few controls: not tested, and not counted
  const tested = plans.filter((p) => p.controls.length >= 2);
  const untested = plans.filter((p) => p.controls.length < 2).map((p) => p.target.name);
  const n = tested.length;
  const alpha = ALPHA_BEHAVIOUR / Math.max(1, n);
  const candidates = tested.map(({ target, level, controls, relatives }): BehaviourCandidate => {
    const r = verdictAt(level, target, suspect, controls, alpha);
    return {
      name: target.name, level, verdict: r.verdict, pValue: r.pValue, pAdjusted: Math.min(1, r.pValue * n), pRank: r.pRank, effect: r.effect, t: r.t,
      suspectAgreement: r.suspectAgreement, controls: r.controls, reason: r.reason, relatives,
    };
  });
  candidates.sort((x, y) => x.pValue - y.pValue || (x.name < y.name ? -1 : 1));
  return {
    ...base, tests: n, untested, alphaPerTest: alpha, derived: candidates.filter((c) => c.verdict === "behaviour-derived").map((c) => c.name),
    candidates: candidates.slice(0, REPORTED_CANDIDATES),
  };
}
