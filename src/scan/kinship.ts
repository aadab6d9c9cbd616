/**
 * @module scan/kinship
 * Where each registered relative stands to the suspect, from the registry as a whole: its parent
 * (the closest ancestor), further ancestors, siblings, other relatives and descendants. A pair alone
 * says "shares weights" and sometimes which came first; with several relatives matching, the
 * registry knows more:
 * - registered X is S's ancestor candidate unless the pair's evidence says otherwise (S is the
 *   ancestor; or X is quantized and S is not, while the weights changed too: quantized copies are
 *   leaves, so X is a relative, not an ancestor), or X's registrant declared S (this very file,
 *   registered) as X's base;
 * - a candidate in another residual frame than S (permuted or rotated relative to it) is not S's
 *   parent while a candidate in S's own frame matches: S was not un-scrambled back into that frame;
 * - when X descends from another matching relative P (P -> X: the registrant declared P as X's base,
 *   or X is a quantized copy of P with no other change) and X is closer to P than to S, or S is no
 *   closer to X than to P (X does not lie between P and S), X sits on another branch below P: a
 *   sibling, and so is everything registered below it;
 * - a relative that is a linear merge of S and another relative (lineage/merge-fit.ts) is S's
 *   descendant;
 * - the parent is the candidate closest to S (the effect size of the comparison) among those left
 *   that match about as many of S's units as any other (a relative missing parts S inherited
 *   elsewhere is not where S came from); registered same-weight copies of it are named
 *   parents too (which copy S was made from, weights cannot tell); when no unit of S matches any
 *   candidate individually (only whole components), no parent is named.
 */
import { changeBudget } from "../verdict/transforms/change.js";
import { compareFingerprints } from "../fingerprint/compare-fp.js";
import { fingerprintNoise } from "../fingerprint/storage-facts.js";
import type { Fingerprint } from "../fingerprint/types.js";
import { fixedVector } from "../lineage/deltas.js";
import { fixedUnitDistance } from "../lineage/distance.js";
import { isMerge, mergeFit } from "../lineage/merge-fit.js";
import type { ModelEntry } from "../registry/store.js";
import type { CompareResult } from "../verdict/result.js";
import { isSameWeights } from "../verdict/transforms/relation.js";
import { sameModelName } from "./names.js";

export type Kinship = "parent" | "ancestor" | "sibling" | "relative" | "descendant";

export interface Relative {
  model: ModelEntry;
  result: CompareResult;
  direction: "registered is the ancestor" | "suspect is the ancestor" | "unknown";
  fingerprint: Fingerprint;
}

export interface KinshipOf {
  kinship: Kinship;
  /** Why, in a few words (for reports). */
  why: string;
}

/** How far the suspect is from a relative: the comparison's relative change, else 1 − unit similarity. */
export function distanceOf(r: CompareResult): number {
  const rc = r.effect.relativeChange;
  return rc !== null && Number.isFinite(rc) ? rc : Math.max(0, 1 - r.effect.unitSimilarity);
}

/** Relative change between two fingerprints by a fingerprint comparison (kept units; null when not derived). */
function compared(x: Fingerprint, y: Fingerprint): number | null {
  const r = compareFingerprints(x, y);
  return r.verdict === "derived" ? distanceOf(r) : null;
}

/** Registered-side quantized, suspect not, and a change beyond the quantization: the registered model is no ancestor. */
function quantizedLeaf(r: CompareResult): boolean {
  const q = r.transforms.filter((t) => t.kind === "quantized");
  const same = r.transforms.some((t) => t.kind === "identical" || t.kind === "no-other-change");
  return q.length === 1 && q[0]?.values?.side === "a" && !same;
}

/** Is `y` registered as derived from `x` (declared by its registrant, or a quantized copy with no other change)? */
function registeredChild(x: Relative, y: Relative): string | null {
  if (y.model.declaredBase && sameModelName(y.model.declaredBase, x.model.name)) return `${y.model.name}'s registrant declares ${x.model.name} as its base`;
  const qy = y.fingerprint.summary.quantized;
  if (qy && !x.fingerprint.summary.quantized) {
    // a quantized copy keeps its source's unit order: only the fixed units are compared (cheap)
    const d = fixedUnitDistance(x.fingerprint, y.fingerprint);
    const floor = 3 * Math.hypot(fingerprintNoise(x.fingerprint), fingerprintNoise(y.fingerprint));
    if (d !== null && changeBudget(d, [qy], floor).explained) return `${y.model.name} is a ${qy} copy of ${x.model.name}`;
  }
  return null;
}

/**
 * Is X, a registered child of P, on another branch than the suspect S? Yes when X is closer to P
 * than to S (it hangs from P, not from S's side), or when S is no closer to X than to P (X does not
 * lie between P and S). Distances by one estimator: the fixed units when all three kept their unit
 * order, else the fingerprint comparisons (the scan's own for S).
 */
function offBranch(p: Relative, x: Relative, suspect: Fingerprint): { yes: boolean; why: string } | null {
  const fPX = fixedUnitDistance(p.fingerprint, x.fingerprint);
  const fSX = fixedUnitDistance(suspect, x.fingerprint);
  const fSP = fixedUnitDistance(suspect, p.fingerprint);
  const fixed = fPX !== null && fSX !== null && fSP !== null;
  const dPX = fixed ? fPX : compared(p.fingerprint, x.fingerprint);
  const dSX = fixed ? fSX : distanceOf(x.result);
  const dSP = fixed ? fSP : distanceOf(p.result);
  if (dPX !== null && dPX <= dSX) return { yes: true, why: `it is closer to ${p.model.name} (relative change ${dPX.toFixed(3)}) than to the suspect (${dSX.toFixed(3)})` };
  if (dSX >= dSP) return { yes: true, why: `the suspect is closer to ${p.model.name} (${dSP.toFixed(3)}) than to it (${dSX.toFixed(3)}): it does not lie between them` };
  return { yes: false, why: "" };
}

/** The kinship of every relative (same order as given) to the suspect fingerprinted in `suspect`. */
export function kinships(relatives: readonly Relative[], suspect: Fingerprint, suspectNames: readonly string[] = []): KinshipOf[] {
  const out: KinshipOf[] = relatives.map(() => ({ kinship: "ancestor", why: "" }));
  const namesSuspect = (base: string | null) => base !== null && suspectNames.some((n) => sameModelName(base, n));
  relatives.forEach((r, i) => {
    // a quantized relative that also changed is no ancestor, and a descendant only when the weights
    // say so beyond the quantization (which they cannot: it may as well descend from a relative)
    if (namesSuspect(r.model.declaredBase)) out[i] = { kinship: "descendant", why: `${r.model.name}'s registrant declares the suspect (${r.model.declaredBase}) as its base` };
    else if (quantizedLeaf(r.result)) out[i] = { kinship: "relative", why: `${r.model.name} is quantized and differs beyond its quantization: a quantized copy is no ancestor` };
    else if (r.direction === "suspect is the ancestor") out[i] = { kinship: "descendant", why: r.result.direction.reasons[0] ?? "built on the suspect" };
  });
  // a registered merge of the suspect with another relative is built on the suspect
  mergesOfSuspect(relatives, suspect).forEach((q, i) => {
    if (q !== null && (out[i] as KinshipOf).kinship === "ancestor") out[i] = { kinship: "descendant", why: `${(relatives[i] as Relative).model.name} is a merge of the suspect and ${q}` };
  });
  const candidates = () => relatives.map((r, i) => ({ r, i })).filter(({ i }) => (out[i] as KinshipOf).kinship === "ancestor");
  // frames: S's own frame wins over scrambled copies
  const sameFrame = candidates().filter(({ r }) => r.result.frame.kind === "identity");
  if (sameFrame.length) {
    for (const { r, i } of candidates()) {
      if (r.result.frame.kind !== "identity") out[i] = { kinship: "relative", why: `${r.model.name}'s residual stream is ${r.result.frame.kind === "rotation" ? "rotated" : "permuted"} relative to the suspect, while ${sameFrame[0]?.r.model.name} shares its frame` };
    }
  }
  // branches: a registered child of another relative, closer to it than to S, is a sibling (with its subtree)
  const seen = new Map<string, ReturnType<typeof offBranch>>();
  let changed = true;
  while (changed) {
    changed = false;
    // ancestor candidates, and descendants by the pair alone (a copy of S's parent looks like S's copy too)
    const open = relatives.map((r, i) => ({ r, i })).filter(({ i }) => ["ancestor", "descendant"].includes((out[i] as KinshipOf).kinship));
    for (const { r: x, i } of open) {
      for (const p of relatives) {
        if (p === x) continue;
        const pk = (out[relatives.indexOf(p)] as KinshipOf).kinship;
        if (pk === "descendant") continue;
        const how = registeredChild(p, x);
        if (!how) continue;
        if (pk === "sibling") {
          out[i] = { kinship: "relative", why: `${how}, a sibling of the suspect: a relative on that branch` };
          changed = true;
          break;
        }
        const key = `${p.model.id}:${x.model.id}`;
        if (!seen.has(key)) seen.set(key, offBranch(p, x, suspect));
        const c = seen.get(key);
        if (c?.yes) {
          out[i] = { kinship: "sibling", why: `${how}; ${c.why}` };
          changed = true;
          break;
        }
      }
    }
  }
  const left = candidates().sort((a, b) => distanceOf(a.r.result) - distanceOf(b.r.result) || a.r.result.logP - b.r.result.logP);
  // the parent explains at least what every other ancestor does (S inherits from its parent all it
  // inherited from further up): a candidate matching significantly fewer of S's units than another
  // one (a one-sided two-proportion test, z > 3) is not it
  const units = new Map(left.map(({ r }) => [r, matchedUnits(r.result)]));
  const full = left.filter(({ r }) => !left.some(({ r: o }) => o !== r && explainsLess(units.get(r) as Units, units.get(o) as Units)));
  const best = full[0];
  if (!best) return out;
  if (best.r.result.effect.matchedFraction === 0) {
    for (const { i } of full) out[i] = { kinship: "ancestor", why: "which of these is the parent cannot be told: no unit of the suspect matches one of them individually" };
    return out;
  }
  out[best.i] = { kinship: "parent", why: `the closest of the registered models it may descend from (relative change ${distanceOf(best.r.result).toFixed(3)})` };
  // registered copies of the parent with the same weights (another storage type, a permutation): either may be the parent
  for (const { r, i } of full.slice(1, 1 + MAX_PARENT_COPIES)) {
    if (distanceOf(r.result) > 1.5 * distanceOf(best.r.result) + 0.02) break;
    if (isSameWeights(compareFingerprints(best.r.fingerprint, r.fingerprint).transforms)) out[i] = { kinship: "parent", why: `the same weights as ${best.r.model.name} up to storage or a symmetry: either may be the parent` };
  }
  return out;
}

/** How many of the closest relatives are tried as merges of the suspect and another relative. */
const MAX_MERGE_TRIALS = 16;

/** For each relative: the other relative it is a merge of together with the suspect (fixed units, lineage/merge-fit.ts), or null. */
function mergesOfSuspect(relatives: readonly Relative[], suspect: Fingerprint): Array<string | null> {
  const vs = fixedVector(suspect);
  const out: Array<string | null> = relatives.map(() => null);
  if (!vs) return out;
  const near = relatives.map((r, i) => ({ r, i, v: fixedVector(r.fingerprint) })).filter((x) => x.v !== null && x.v.length === vs.length)
    .sort((a, b) => distanceOf(a.r.result) - distanceOf(b.r.result)).slice(0, MAX_MERGE_TRIALS);
  for (const m of near) {
    for (const q of near) {
      if (q === m || !isMerge(mergeFit(m.v as Float64Array, vs, q.v as Float64Array))) continue;
      out[m.i] = q.r.model.name;
      break;
    }
  }
  return out;
}

/** How many registered same-weight copies of the parent are looked for. */
const MAX_PARENT_COPIES = 4;

interface Units {
  tested: number;
  matched: number;
}

/** Units of the suspect's layers tested and matched (the embeddings are one table, not units). */
function matchedUnits(r: CompareResult): Units {
  let tested = 0;
  let matched = 0;
  for (const c of r.components) {
    if (!c.component.startsWith("layers.")) continue;
    tested += c.tested;
    matched += c.matched;
  }
  return { tested, matched };
}

/** Does `x` match significantly fewer of the suspect's units than `o` (z > 3)? */
function explainsLess(x: Units, o: Units): boolean {
  if (x.tested === 0 || o.tested === 0) return false;
  const px = x.matched / x.tested;
  const po = o.matched / o.tested;
  const pooled = (x.matched + o.matched) / (x.tested + o.tested);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / x.tested + 1 / o.tested));
  return se > 0 && (po - px) / se > 3;
}
