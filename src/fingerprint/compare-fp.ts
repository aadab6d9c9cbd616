/**
 * @module fingerprint/compare-fp
 * Verdicts from fingerprints: a registered fingerprint against a live model (the suspect of a
 * scan), or two fingerprints. Both compare lossy views with the same `compareModels`:
 * - against a live model, the fingerprint's kept units are the queries and all of the model's
 *   units, mapped into the fingerprint's frame (identity, or a signed permutation or rotation
 *   estimated from the anchor embeddings), are the candidates;
 * - between fingerprints, kept units against kept units (the prominent units of derived models
 *   coincide), after mapping one frame onto the other when rows are whole.
 * The best frame wins, with the number tried in the multiple-testing correction.
 */
import { compareModels, type CompareOptions } from "../compare.js";
import { identityFrame, type Frame } from "../evidence/frame.js";
import { MAX_ROTATION_DIM, rotationFromRows } from "../evidence/frames/rotation.js";
import { coordinatePermutationFromRows, isNearIdentity, signedPermutationFromRows } from "../evidence/frames/signed-permutation.js";
import { mlpParts, readSomeRows, residualWidth } from "../evidence/unit-views.js";
import type { CanonicalModel } from "../model/canonical.js";
import { Rng } from "../numeric/rng.js";
import { decide } from "../verdict/decide.js";
import type { CompareResult, LayerLink } from "../verdict/result.js";
import { storedTypes } from "../evidence/transforms/quantization.js";
import { fromSketch } from "./sketch.js";
import { tokenTexts } from "./token-texts.js";
import { fingerprintNoise, withStorageFacts, withStructureFacts } from "./storage-facts.js";
import type { Fingerprint } from "./types.js";
import { keptView, projectedViews } from "./views.js";
import { anchorsHeldBy, descriptorView, liveDescriptorView, sharedAnchors } from "./descriptor-views.js";
import { MIN_SHARED_ANCHORS } from "./descriptors.js";

const DESCRIPTORS = "anchor-token descriptors (frame-free)";

/** Compare in anchor space (either side may be a live model's view); the frame is none, by construction. */
function inAnchorSpace(a: CanonicalModel, b: CanonicalModel): CompareResult {
  const r = compareModels(a, b, FAST);
  r.frame = { ...r.frame, kind: "identity", source: DESCRIPTORS };
  return r;
}

/** Whether two fingerprints are compared by their descriptors (not both whole rows of one width). */
export function describedPair(fa: Fingerprint, fb: Fingerprint): boolean {
  return fa.space === "anchors" || fb.space === "anchors" || fa.dim !== fb.dim;
}

const FAST: CompareOptions = { identityOnly: true };

function best(results: Array<{ route: string; r: CompareResult }>): CompareResult {
  const top = [...results].sort((x, y) => x.r.logP - y.r.logP)[0] as { route: string; r: CompareResult };
  const d = decide(top.r.logP, results.length, true, top.r.reason);
  const anyIndependent = results.some((x) => x.r.verdict === "independent");
  const verdict = d.verdict === "derived" ? "derived" : anyIndependent && d.logP > Math.log(0.01) ? "independent" : d.verdict === "independent" && !anyIndependent ? "inconclusive" : d.verdict;
  return { ...top.r, verdict, logP: d.logP, tests: top.r.tests * results.length, caveats: [...top.r.caveats, `from a fingerprint (${top.route}; ${results.length} route${results.length > 1 ? "s" : ""} tried)`] };
}

/** Nothing to compare: an inconclusive result with the reason. */
function incomparable(why: string): CompareResult {
  return {
    verdict: "inconclusive", logP: 0, reason: why, tests: 1, frame: { kind: "none", support: 0, source: "-", probes: [] }, tokens: null,
    layerMap: [], components: [], heatmap: { aLayers: 0, bLayers: 0, logP: [], probed: [] }, transforms: [], exact: null,
    direction: { parent: "unknown", confidence: "low", reasons: [] }, effect: { matchedFraction: 0, unitSimilarity: 0, relativeChange: null }, caveats: [why], timings: {},
  };
}

/** Frames mapping B's residual stream onto A's, from paired anchor rows (k x d each). */
function framesFrom(ra: Float32Array, rb: Float32Array, k: number, d: number): Frame[] {
  const frames: Frame[] = [identityFrame(d)];
  if (k < 16) return frames;
  const perm = signedPermutationFromRows(ra, rb, k, d, new Rng(7));
  if (perm && perm.frame.support >= 0.5 && !isNearIdentity(perm.frame)) frames.push(perm.frame);
  if (k >= d && d <= MAX_ROTATION_DIM) frames.push(rotationFromRows(ra, rb, k, d));
  return frames;
}

/** Frames for a wide fingerprint (anchor rows at its kept coordinates) against a live model's whole rows. */
function coordinateFrames(raAtCoords: Float32Array, rb: Float32Array, coords: Int32Array, k: number, d: number): Frame[] {
  const frames: Frame[] = [identityFrame(d)];
  const perm = coordinatePermutationFromRows(raAtCoords, rb, coords, k, d, new Rng(7));
  if (perm && perm.frame.support >= 0.5 && !isNearIdentity(perm.frame)) frames.push(perm.frame);
  return frames;
}

function pairAnchors(textsA: string[], textsB: readonly string[], limitB = Infinity): Array<[number, number]> {
  const index = new Map<string, number>();
  textsB.forEach((t, i) => {
    if (!index.has(t) && i < limitB) index.set(t, i);
  });
  return textsA.map((t, i) => [i, index.get(t) ?? -1] as [number, number]).filter(([, j]) => j >= 0);
}

/** B's layer map from a comparison run the other way round (B's units as candidates for A's). */
function invertMap(r: CompareResult, bLayers: number): LayerLink[] {
  const out: LayerLink[] = [];
  for (let b = 0; b < bLayers; b++) {
    const hits = r.layerMap.filter((l) => l.a === b).sort((x, y) => x.logP - y.logP);
    const h = hits[0];
    out.push(h ? { a: h.b, b, logP: h.logP, matchedFraction: h.matchedFraction } : { a: null, b, logP: 0, matchedFraction: 0 });
  }
  return out;
}

function storedQuant(m: CanonicalModel): string | null {
  return storedTypes(m).quantized ?? null;
}

/** Is the live model `b` derived from the model fingerprinted in `fp`? */
export function compareFingerprintToModel(fp: Fingerprint, b: CanonicalModel): CompareResult {
  const d = residualWidth(b);
  if (fp.space === "anchors" || d !== fp.dim) {
    const gated = mlpParts(b, 0).every((p) => p.gate);
    const fpViews = fp.layers.find((l) => l.mlp)?.mlp?.views.join("+") ?? "";
    if (fpViews !== (gated ? "gate+up" : "up")) return incomparable(`MLP layouts differ (${fpViews || "none"} vs ${gated ? "gate+up" : "up"})`);
    const held = anchorsHeldBy(fp, b);
    if (held.texts.length < MIN_SHARED_ANCHORS) return incomparable(`only ${held.texts.length} of the fingerprint's anchor tokens are in the model's vocabulary`);
    const r = inAnchorSpace(liveDescriptorView(b, held.texts), descriptorView(fp, held.fp));
    r.layerMap = invertMap(r, b.params.nLayers);
    const out = best([{ route: "anchor descriptors", r }]);
    out.transforms = withStructureFacts(withStorageFacts(out.transforms, { quantA: fp.summary.quantized, quantB: storedQuant(b), noise: fingerprintNoise(fp) }), out.layerMap, fp.summary.params, b.params);
    return out;
  }
  let frames: Frame[] = [identityFrame(d)];
  const eb = b.tensors.get("embed");
  if (fp.anchors.embed && eb && eb.cols === d) {
    const pairs = pairAnchors(fp.anchors.texts, tokenTexts(b), eb.rows);
    const ra = fromSketch(fp.anchors.embed, Int32Array.from(pairs, (p) => p[0]));
    const rb = readSomeRows(eb, Int32Array.from(pairs, (p) => p[1]));
    frames = fp.anchors.embed.cols === d ? framesFrom(ra, rb, pairs.length, d) : coordinateFrames(ra, rb, fp.coords, pairs.length, d);
  }
  const queries = keptView(fp);
  const results: Array<{ route: string; r: CompareResult }> = [];
  const pools = projectedViews(b, frames, fp.coords, fp.anchors.texts);
  for (const [f, frame] of frames.entries()) {
    const pool = pools[f] as CanonicalModel;
    const r = compareModels(pool, frame.kind === "identity" ? queries : keptView(fp, null, false), FAST);
    r.layerMap = invertMap(r, b.params.nLayers);
    r.frame = { ...r.frame, kind: frame.kind, source: frame.source };
    results.push({ route: `${frame.kind} frame`, r });
    if (r.logP < Math.log(1e-30)) break;
  }
  const out = best(results);
  out.transforms = withStructureFacts(withStorageFacts(out.transforms, { quantA: fp.summary.quantized, quantB: storedQuant(b), noise: fingerprintNoise(fp) }), out.layerMap, fp.summary.params, b.params);
  return out;
}

/** Is the model fingerprinted in `fb` derived from the one fingerprinted in `fa`? */
export function compareFingerprints(fa: Fingerprint, fb: Fingerprint): CompareResult {
  if (describedPair(fa, fb)) {
    const layouts = (fp: Fingerprint) => fp.layers.find((l) => l.mlp)?.mlp?.views.join("+") ?? "";
    if (layouts(fa) !== layouts(fb)) return incomparable(`MLP layouts differ (${layouts(fa) || "none"} vs ${layouts(fb) || "none"})`);
    const shared = sharedAnchors(fa.anchors.texts, fb.anchors.texts);
    if (shared.a.length < MIN_SHARED_ANCHORS) return incomparable(`the fingerprints share ${shared.a.length} anchor tokens (${MIN_SHARED_ANCHORS} needed)`);
    const out = best([{ route: "anchor descriptors", r: inAnchorSpace(descriptorView(fa, shared.a), descriptorView(fb, shared.b)) }]);
    out.transforms = withStructureFacts(withStorageFacts(out.transforms, { quantA: fa.summary.quantized, quantB: fb.summary.quantized, noise: Math.hypot(fingerprintNoise(fa), fingerprintNoise(fb)) }), out.layerMap, fa.summary.params, fb.summary.params);
    return out;
  }
  const sameCoords = fa.coords.length === fb.coords.length && fa.coords.every((c, i) => c === fb.coords[i]);
  if (!sameCoords) return incomparable("the fingerprints keep different coordinates");
  let frames: Frame[] = [identityFrame(fa.dim)];
  const whole = fa.coords.length === fa.dim;
  if (whole && fa.anchors.embed && fb.anchors.embed) {
    const pairs = pairAnchors(fa.anchors.texts, fb.anchors.texts);
    frames = framesFrom(fromSketch(fa.anchors.embed, Int32Array.from(pairs, (p) => p[0])), fromSketch(fb.anchors.embed, Int32Array.from(pairs, (p) => p[1])), pairs.length, fa.dim);
  }
  const results: Array<{ route: string; r: CompareResult }> = [];
  for (const frame of frames) {
    const identity = frame.kind === "identity";
    const r = compareModels(keptView(fa, null, identity), keptView(fb, identity ? null : frame, identity), FAST);
    r.frame = { ...r.frame, kind: frame.kind, source: frame.source };
    results.push({ route: `${frame.kind} frame`, r });
    if (r.logP < Math.log(1e-30)) break;
  }
  const out = best(results);
  out.transforms = withStructureFacts(withStorageFacts(out.transforms, { quantA: fa.summary.quantized, quantB: fb.summary.quantized, noise: Math.hypot(fingerprintNoise(fa), fingerprintNoise(fb)) }), out.layerMap, fa.summary.params, fb.summary.params);
  return out;
}
