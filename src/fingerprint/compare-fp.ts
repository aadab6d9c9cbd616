/**
 * @module fingerprint/compare-fp
 * Verdicts from fingerprints: a registered fingerprint against a live model (the suspect of a
 * scan), or two fingerprints. Each route compares lossy views with the same `compareModels`:
 * - coordinates: the live model mapped into the fingerprint's residual frame (identity, or a signed
 *   permutation / rotation estimated from the fingerprint's anchor embeddings), on the sketch
 *   coordinates; two fingerprints of equal width share their coordinates;
 * - sampled units: for two fingerprints, B's full-width sample of units mapped into A's frame
 *   (estimated from the anchors both hold) and matched against all of A's sketched units.
 * The best route wins, with the number of routes tried in the multiple-testing correction.
 */
import { compareModels, type CompareOptions } from "../compare.js";
import { identityFrame, type Frame } from "../evidence/frame.js";
import { MAX_ROTATION_DIM, rotationFromRows } from "../evidence/frames/rotation.js";
import { isNearIdentity, signedPermutationFromRows } from "../evidence/frames/signed-permutation.js";
import { readSomeRows, residualWidth } from "../evidence/unit-views.js";
import type { CanonicalModel } from "../model/canonical.js";
import { Rng } from "../numeric/rng.js";
import { decide } from "../verdict/decide.js";
import type { CompareResult } from "../verdict/result.js";
import { fromSketch } from "./sketch.js";
import type { Fingerprint } from "./types.js";
import { coordinateView, projectedView, sampledView } from "./views.js";

const FAST: CompareOptions = { identityOnly: true };

function best(results: Array<{ route: string; r: CompareResult }>): CompareResult {
  const sorted = results.filter((x) => x.r).sort((x, y) => x.r.logP - y.r.logP);
  const top = sorted[0] as { route: string; r: CompareResult };
  const powered = results.some((x) => x.r.verdict !== "inconclusive" || x.r.logP < 0);
  const d = decide(top.r.logP, results.length, powered || top.r.verdict === "independent", top.r.reason);
  const anyIndependent = results.some((x) => x.r.verdict === "independent");
  const verdict = d.verdict === "derived" ? "derived" : anyIndependent && d.logP > Math.log(0.01) ? "independent" : d.verdict;
  return { ...top.r, verdict, logP: d.logP, tests: top.r.tests * results.length, caveats: [...top.r.caveats, `from a fingerprint (${top.route} route of ${results.length})`] };
}

/** Nothing to compare: an inconclusive result with the reason. */
function incomparable(a: CanonicalModel, why: string): CompareResult {
  const r = compareModels(a, a, FAST);
  return {
    ...r, verdict: "inconclusive", logP: 0, reason: why, layerMap: [], components: [], transforms: [], exact: null,
    heatmap: { aLayers: 0, bLayers: 0, logP: [], probed: [] }, effect: { matchedFraction: 0, unitSimilarity: 0, relativeChange: null },
    frame: { kind: "none", support: 0, source: "-", probes: [] }, caveats: [why],
  };
}

/** Frames mapping B's residual stream onto A's, from paired anchor rows (k x d each). */
function framesFrom(ra: Float32Array, rb: Float32Array, k: number, d: number): Frame[] {
  const frames: Frame[] = [identityFrame(d)];
  if (k < 16) return frames;
  const pairs = { length: k };
  const perm = signedPermutationFromRows(ra, rb, pairs.length, d, new Rng(7));
  if (perm && perm.frame.support >= 0.5 && !isNearIdentity(perm.frame)) frames.push(perm.frame);
  if (pairs.length >= d && d <= MAX_ROTATION_DIM) frames.push(rotationFromRows(ra, rb, pairs.length, d));
  return frames;
}

/** Frames in which to map a live model onto a fingerprint, estimated from the anchor embeddings. */
function framesFor(fp: Fingerprint, b: CanonicalModel): Frame[] {
  const d = residualWidth(b);
  if (d !== fp.summary.params.dim && fp.anchors.embed?.cols !== d) return [];
  const eb = b.tensors.get("embed");
  if (!fp.anchors.embed || !eb || eb.cols !== d || !b.tokens) return [identityFrame(d)];
  const index = new Map<string, number>();
  b.tokens.texts.forEach((t, i) => {
    if (!index.has(t) && i < eb.rows) index.set(t, i);
  });
  const pairs = fp.anchors.texts.map((t, i) => [i, index.get(t) ?? -1] as const).filter(([, j]) => j >= 0);
  const ra = fromSketch(fp.anchors.embed, Int32Array.from(pairs, (p) => p[0]));
  const rb = readSomeRows(eb, Int32Array.from(pairs, (p) => p[1]));
  return framesFrom(ra, rb, pairs.length, d);
}

/** Frames mapping fingerprint B onto fingerprint A, from the anchors both hold. */
function framesBetween(fa: Fingerprint, fb: Fingerprint): Frame[] {
  const d = fa.anchors.embed?.cols ?? 0;
  if (!fa.anchors.embed || !fb.anchors.embed || fb.anchors.embed.cols !== d) return [];
  const index = new Map<string, number>();
  fb.anchors.texts.forEach((t, i) => {
    if (!index.has(t)) index.set(t, i);
  });
  const pairs = fa.anchors.texts.map((t, i) => [i, index.get(t) ?? -1] as const).filter(([, j]) => j >= 0);
  const ra = fromSketch(fa.anchors.embed, Int32Array.from(pairs, (p) => p[0]));
  const rb = fromSketch(fb.anchors.embed, Int32Array.from(pairs, (p) => p[1]));
  return framesFrom(ra, rb, pairs.length, d);
}

/** Is the live model `b` derived from the model fingerprinted in `fp`? */
export function compareFingerprintToModel(fp: Fingerprint, b: CanonicalModel): CompareResult {
  const a = coordinateView(fp);
  const results: Array<{ route: string; r: CompareResult }> = [];
  for (const frame of framesFor(fp, b)) {
    const r = compareModels(a, projectedView(b, frame, fp.coords, fp.anchors.texts), FAST);
    r.frame = { ...r.frame, kind: frame.kind, source: frame.source };
    results.push({ route: `coordinates, ${frame.kind} frame`, r });
    if (r.logP < Math.log(1e-30)) break;
  }
  if (results.length === 0) return incomparable(a, "the model's residual width differs from the fingerprint's");
  return best(results);
}

/** Is the model fingerprinted in `fb` derived from the one fingerprinted in `fa`? */
export function compareFingerprints(fa: Fingerprint, fb: Fingerprint): CompareResult {
  const results: Array<{ route: string; r: CompareResult }> = [];
  const sameCoords = fa.coords.length === fb.coords.length && fa.coords.every((c, i) => c === fb.coords[i]) && fa.summary.params.dim === fb.summary.params.dim;
  if (sameCoords) results.push({ route: "coordinates", r: compareModels(coordinateView(fa), coordinateView(fb), FAST) });
  const done = results.some((x) => x.r.logP < Math.log(1e-30));
  if (!done) {
    for (const frame of framesBetween(fa, fb)) {
      if (frame.kind === "identity" && sameCoords) continue;
      const r = compareModels(coordinateView(fa), sampledView(fb, frame, fa.coords), FAST);
      r.frame = { ...r.frame, kind: frame.kind, source: frame.source };
      results.push({ route: `sampled units, ${frame.kind} frame`, r });
      if (r.logP < Math.log(1e-30)) break;
    }
  }
  if (results.length === 0) return incomparable(coordinateView(fa), "the two fingerprints' residual widths differ and share no anchors");
  return best(results);
}
