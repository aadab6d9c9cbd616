/**
 * @module verdict/transforms/relation
 * One account of how two derived models relate, for `compare`, `scan` and `tree` alike: what was
 * done (the transforms, with the residual frame the comparison found among them), which side is the
 * parent where the evidence can say, and the relation in a word.
 *
 * Direction from what holds for weights and fingerprints alike: a quantized copy is made from an
 * unquantized one (the storage types are in every fingerprint's summary); depth up-scaling repeats
 * a parent's layers; pruning and layer drops keep a subset; experts copied from dense MLPs; a vocab
 * edit adds or removes rows. A permuted or rotated copy and its source cannot be ordered from the
 * pair alone (the map is invertible): the direction stays unknown, and only a third relative in
 * one side's frame can say which side was scrambled (scan and tree do that).
 */
import type { CompareResult, DirectionEstimate, Transform } from "../result.js";
import { CHANGE_KINDS, sameWeights } from "./change.js";

const UNKNOWN: DirectionEstimate = { parent: "unknown", confidence: "low", reasons: ["same shape, no structural or quantization cue: weight evidence does not tell which came first"] };

/** Transforms that leave the weights what they were (storage, container, basis). */
const SAME_WEIGHT_KINDS = new Set(["converted", "quantized", "permuted", "rotated", "scaled", "identical", "no-other-change"]);

/** The comparison's residual frame as a transform, when the transforms do not say it yet. */
function frameTransform(r: CompareResult): Transform | null {
  const has = (k: string, re: RegExp) => r.transforms.some((t) => t.kind === k && re.test(t.detail));
  if (r.frame.kind === "signed-permutation" && !has("permuted", /residual/)) return { kind: "permuted", detail: `residual stream permuted (frame from ${r.frame.source}), with sign flips where needed` };
  if (r.frame.kind === "rotation" && !r.transforms.some((t) => t.kind === "rotated")) return { kind: "rotated", detail: `residual stream rotated (frame from ${r.frame.source})` };
  return null;
}

/** The transforms with the residual frame among them, and the change described against all of them (never "rotated" and "identical" together). */
export function settledTransforms(r: CompareResult): Transform[] {
  const ft = frameTransform(r);
  const ts = ft ? [ft, ...r.transforms] : [...r.transforms];
  const i = ts.findIndex((t) => t.kind === "identical" || t.kind === "no-other-change");
  if (i < 0) return ts;
  const rest = ts.filter((_, j) => j !== i);
  const t = ts[i] as Transform;
  const why = t.detail.replace(/^no change beyond the [^:]*: |^the weights B kept are unchanged: /, "");
  const settled = sameWeights(rest, why, t.values);
  // frame-free comparisons (anchor-token descriptors) do not see a residual permutation or rotation
  if (settled.kind === "identical" && /frame-free/.test(r.frame.source)) return [...rest, { kind: "no-other-change", detail: `no change up to the residual stream's symmetries, which frame-free descriptors do not see: ${why}`, values: t.values }];
  return [...rest, settled];
}

/** Which side is the parent, from the transforms alone (null when they do not say). */
export function directionFromTransforms(ts: readonly Transform[]): DirectionEstimate | null {
  const has = (k: string) => ts.some((t) => t.kind === k);
  const q = ts.filter((t) => t.kind === "quantized");
  if (q.length === 1) {
    const side = q[0]?.values?.side === "a" ? "b" : "a";
    const copy = side === "a" ? "B" : "A";
    const type = String(q[0]?.values?.type ?? "");
    // a quantized copy with no other change is its unquantized source's child; with other changes
    // it is known not to be the other's parent, and most likely its descendant (or a relative's)
    if (isSameWeights(ts)) return { parent: side, confidence: "high", reasons: [`${copy} is a ${type} copy of ${side.toUpperCase()}; quantized copies are made from unquantized ones`] };
    return { parent: side, confidence: "medium", reasons: [`${copy} is quantized (${type}) and its weights changed too: it is not ${side.toUpperCase()}'s parent (quantized copies are leaves); ${side.toUpperCase()} is its ancestor, or both descend from a third model`] };
  }
  if (has("merged")) return { parent: "a", confidence: "high", reasons: ["B is a weighted mix of A and the other parents given"] };
  if (has("layers-stacked")) return { parent: "a", confidence: "high", reasons: ["B repeats layers of A (depth up-scaling)"] };
  if (has("upcycled")) return { parent: "a", confidence: "high", reasons: ["B's experts are copies of A's dense MLPs"] };
  const pruned = (key: string) => ts.find((t) => t.kind === "pruned" && typeof t.values?.[key] === "number");
  const hidden = pruned("keptHidden");
  if (hidden) return hidden.values?.side === "a" ? { parent: "b", confidence: "high", reasons: ["A keeps a subset of B's residual dimensions"] } : { parent: "a", confidence: "high", reasons: ["B keeps a subset of A's residual dimensions"] };
  if (pruned("kept")) return { parent: "a", confidence: "high", reasons: ["B keeps a subset of A's MLP units"] };
  const heads = pruned("keptHeads");
  if (heads) return heads.values?.side === "a" ? { parent: "b", confidence: "high", reasons: ["A keeps a subset of B's attention heads"] } : { parent: "a", confidence: "high", reasons: ["B keeps a subset of A's attention heads"] };
  if (has("pruned")) return { parent: "a", confidence: "high", reasons: ["B keeps a subset of A's MLP units"] };
  if (has("layers-dropped") && !has("partial")) return { parent: "a", confidence: "medium", reasons: ["B keeps a subset of A's layers"] };
  return null;
}

/** Weak cues (vocabulary edits, partial reuse): a low-confidence guess, or unknown. */
export function weakDirection(ts: readonly Transform[]): DirectionEstimate {
  const has = (k: string) => ts.some((t) => t.kind === k);
  const reasons: string[] = [];
  const ext = has("vocab-extended");
  const trim = has("vocab-trimmed");
  if (ext && !trim) reasons.push("B has more tokens than A");
  if (trim && !ext) reasons.push("B has fewer tokens than A");
  if (has("partial") || has("component-reuse")) reasons.push("B reuses only part of A");
  return reasons.length ? { parent: "a", confidence: "low", reasons } : UNKNOWN;
}

/** The same weights up to storage and basis: a copy (quantized, permuted, rotated, converted) with no other change. */
export function isSameWeights(ts: readonly Transform[]): boolean {
  return ts.some((t) => t.kind === "identical" || t.kind === "no-other-change") && ts.every((t) => SAME_WEIGHT_KINDS.has(t.kind));
}

/** The relation in a word or two ("quantized copy", "fine-tune", "merge", ...), from the transforms. */
export function relationName(ts: readonly Transform[]): string {
  const has = (k: string) => ts.some((t) => t.kind === k);
  if (has("merged")) return "merge";
  if (has("upcycled")) return "upcycled";
  if (has("layers-stacked")) return "depth up-scaled";
  if (has("pruned") || has("layers-dropped")) return "pruned";
  if (has("partial") || has("component-reuse")) return "partial reuse";
  if (isSameWeights(ts)) {
    if (has("quantized")) return "quantized copy";
    if (has("rotated")) return "rotated copy";
    if (has("permuted") || has("scaled")) return "permuted copy";
    return "copy";
  }
  if (has("low-rank-update")) return "adapter";
  if (has("noise")) return "noised copy";
  if (has("vocab-extended") || has("vocab-trimmed")) return "vocabulary edit";
  if (ts.some((t) => CHANGE_KINDS.has(t.kind))) return "fine-tune";
  return "derived";
}

/**
 * A derived result from fingerprints with its transforms settled (frame included, no contradictions)
 * and its direction from them. The direction `compareModels` estimated on the fingerprints' views is
 * dropped: those views are kept units, not models (fewer units, no norms), and say nothing about
 * which model came first. Results that are not "derived" pass unchanged.
 */
export function relate(r: CompareResult): CompareResult {
  if (r.verdict !== "derived") return r;
  const transforms = settledTransforms(r);
  return { ...r, transforms, direction: directionFromTransforms(transforms) ?? weakDirection(transforms) };
}
