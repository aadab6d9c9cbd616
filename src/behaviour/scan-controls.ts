/**
 * @module behaviour/scan-controls
 * Who is a target and who may be its controls in `scan --behaviour` (and `compare --behaviour
 * --registry`). Controls stand for "a model trained like the suspect without access to the
 * target T":
 *  - they share the suspect's tokenizer (the pool: B and its controls stay exchangeable; a target
 *    of another tokenizer is compared with all of them at the text level, text-level.ts);
 *  - they are not copies of the suspect (behaving as it does: the suspect itself, re-encoded);
 *  - they are not weight relatives of T nor of the suspect (derived from one another, or both from
 *    a third): a quantization of T behaves like T and would hide any student of T; a quantization
 *    of the suspect is not an independent draw beside it;
 *  - of the others, the MAX_CONTROLS nearest the suspect in size (parameters, log scale; then
 *    registration order).
 * The choice looks at weights, sizes and tokenizers, never at how anyone agrees with T, so under H0
 * the suspect stays exchangeable with its controls. Relations are asked for lazily, walking the
 * size order, so a scan compares a target's weights with about MAX_CONTROLS models, not the pool.
 */
import type { BehaviourLevel } from "./compare-behaviour.js";
import type { BehaviourRecord } from "./record.js";
import { checkComparable } from "./verdict.js";

/** Controls per target at most (the test's cost grows with the square of the pool). */
export const MAX_CONTROLS = 16;

export interface RegisteredBehaviour {
  name: string;
  record: BehaviourRecord;
  /** Parameters of the model's weights: controls are chosen near the suspect's size. */
  parameters?: number;
}

/** Same probes and the same tokenization of them: comparable token by token. */
export function comparable(a: RegisteredBehaviour, b: RegisteredBehaviour): boolean {
  try {
    checkComparable([a, b]);
    return a.record.probes.length === b.record.probes.length;
  } catch {
    return false;
  }
}

/** Both kept a text view (stored layout 2) on the same probes: comparable at the text level whatever their tokenizers. */
export function textComparable(a: RegisteredBehaviour, b: RegisteredBehaviour): boolean {
  const x = a.record.text;
  const y = b.record.text;
  return !!x && !!y && x.probesVersion === y.probesVersion && x.probes.length === y.probes.length;
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

/** The pool members that may be T's controls, nearest the suspect's size first (unknown sizes last), then in registration order. */
export function sizeOrder(target: RegisteredBehaviour, suspect: RegisteredBehaviour, pool: readonly RegisteredBehaviour[]): RegisteredBehaviour[] {
  const gap = (r: RegisteredBehaviour) => {
    const a = suspect.parameters;
    const b = r.parameters;
    return a && b && a > 0 && b > 0 ? Math.abs(Math.log(b / a)) : Infinity;
  };
  return pool
    .filter((r) => r !== target)
    .map((r, i) => ({ r, i, gap: gap(r) }))
    .sort((x, y) => x.gap - y.gap || x.i - y.i)
    .map((o) => o.r);
}

/** True when a model is a weight relative of the target or of the suspect (asked lazily). */
export type IsRelative = (target: string, candidate: string) => boolean | Promise<boolean>;

/** Walks `order`, leaving out relatives, until MAX_CONTROLS controls. */
export async function chooseControls(target: string, order: readonly RegisteredBehaviour[], isRelative: IsRelative): Promise<{ controls: RegisteredBehaviour[]; relatives: string[] }> {
  const controls: RegisteredBehaviour[] = [];
  const relatives: string[] = [];
  for (const r of order) {
    if (controls.length === MAX_CONTROLS) break;
    if (await isRelative(target, r.name)) relatives.push(r.name);
    else controls.push(r);
  }
  return { controls, relatives };
}

export interface ScanPlan {
  target: RegisteredBehaviour;
  level: BehaviourLevel;
  /** Who may be its controls, nearest the suspect's size first. */
  order: RegisteredBehaviour[];
}

export interface ScanPools {
  /** Registered models comparable with the suspect (either level). */
  comparable: number;
  /** Behaving as the suspect does: neither targets nor controls. */
  copies: RegisteredBehaviour[];
  plans: ScanPlan[];
}

/** Targets of the suspect's tokenizer token by token, the others at the text level; controls always of the suspect's tokenizer. */
export function planScan(suspect: RegisteredBehaviour, registered: readonly RegisteredBehaviour[]): ScanPools {
  const same = registered.filter((r) => comparable(suspect, r));
  const copies = same.filter((r) => identical(suspect.record, r.record));
  const pool = same.filter((r) => !copies.includes(r));
  const other = registered.filter((r) => !same.includes(r) && textComparable(suspect, r));
  const textPool = pool.filter((r) => textComparable(suspect, r));
  return {
    comparable: same.length + other.length,
    copies,
    plans: [
      ...pool.map((target) => ({ target, level: "token" as const, order: sizeOrder(target, suspect, pool) })),
      ...other.map((target) => ({ target, level: "text" as const, order: sizeOrder(target, suspect, textPool) })),
    ],
  };
}
