/**
 * @module evidence/choose-frame
 * Which residual frame to compare in. The identity is probed first; if it shows no shared units,
 * a signed permutation and a rotation are estimated from the shared tokens' embeddings and probed
 * too. The frame whose probe shows the strongest evidence is used; the number of frames that could
 * have been tried enters the multiple-testing correction. When the residual widths differ
 * (residual-width pruning), B's coordinates are matched to a subset of A's instead (a partial
 * signed permutation, frames/partial-permutation.ts), and that is the frame.
 */
import type { CanonicalModel } from "../model/canonical.js";
import { identityFrame, type Frame } from "./frame.js";
import { estimateRotation, MAX_ROTATION_DIM } from "./frames/rotation.js";
import { estimatePartialPermutation } from "./frames/partial-permutation.js";
import { estimateRotationOnCoords } from "./frames/rotation-on-coords.js";
import { estimateSemiOrthogonal } from "./frames/semi-orthogonal.js";
import { estimateSignedPermutation, isNearIdentity } from "./frames/signed-permutation.js";
import { layerCount } from "./layer-map.js";
import type { TokenPairs } from "./token-pairs.js";
import { ComponentCache, probeCoords, spreadCoords, unitTest, type UnitTestOptions } from "./unit-test.js";
import { isLarge, residualWidth } from "./unit-views.js";

/** Frames that may be tried: identity, signed permutation, rotation. */
export const FRAMES_TRIED = 3;
const PROBE_SAMPLE = 48;
const CONVINCING = Math.log(1e-30);

export interface FrameChoice {
  frame: Frame | null;
  probes: Array<{ kind: string; logP: number; note?: string }>;
  /** Token pairs (indices into TokenPairs) not used to estimate the frame: held out for token tests. */
  heldOut: Int32Array;
}

/**
 * The strongest evidence of a few B layers in `frame`: against the same A layer (every A layer when
 * depths differ). With `search`, when that shows nothing, also against every other A layer on a
 * sketch — layers may have been reordered as well as the residual stream scrambled. (The identity
 * frame needs no search: it is the fallback, and the layer map searches every layer in it.)
 */
function probe(a: CanonicalModel, b: CanonicalModel, frame: Frame, cache: ComponentCache, opts: UnitTestOptions, search = false): number {
  const LA = layerCount(a);
  const LB = layerCount(b);
  const picks = [...new Set([0, Math.floor(LB / 2), LB - 1])].filter((l) => l >= 0);
  let best = 0;
  for (const lb of picks) {
    const targets = LA === LB ? [lb] : Array.from({ length: LA }, (_, i) => i);
    for (const la of targets) {
      const r = unitTest(a, la, b, lb, "mlp", frame, cache, { ...opts, sample: PROBE_SAMPLE });
      if (r) best = Math.min(best, r.logP);
    }
  }
  if (search && LA === LB && best > CONVINCING) {
    for (const lb of picks) {
      for (let la = 0; la < LA; la++) {
        if (la === lb) continue;
        const r = unitTest(a, la, b, lb, "mlp", frame, cache, { ...opts, sample: PROBE_SAMPLE, sketched: true });
        if (r) best = Math.min(best, r.logP);
      }
    }
  }
  return best;
}

/**
 * `force.rotation`: the full rotation whatever the width; `force.rotationCoords`: the rotation onto
 * that many of A's coordinates whatever the width (the wide-model estimator, for tests).
 */
export function chooseFrame(a: CanonicalModel, b: CanonicalModel, pairs: TokenPairs | null, opts: UnitTestOptions, force: { rotation?: boolean; rotationCoords?: number; identityOnly?: boolean } = {}): FrameChoice {
  const d = residualWidth(a);
  // searching other layers reads every A layer: always for small models; for large ones only for a
  // permutation that the embeddings already support almost everywhere
  const searchAll = !isLarge(a);
  const all = pairs ? Int32Array.from(pairs.a.keys()) : new Int32Array(0);
  if (d !== residualWidth(b)) {
    // inputs declared aligned (fingerprint views) are compared as they are, or not at all
    if (force.identityOnly) return { frame: null, probes: [{ kind: "none", logP: 0, note: `residual widths differ (${d} vs ${residualWidth(b)})` }], heldOut: all };
    return partialFrame(a, b, pairs, all, opts);
  }
  const cache = new ComponentCache(8);
  const probes: FrameChoice["probes"] = [];
  const identity = identityFrame(d);
  const idLogP = probe(a, b, identity, cache, opts);
  probes.push({ kind: "identity", logP: idLogP });
  if (idLogP <= CONVINCING || !pairs || force.identityOnly) return { frame: identity, probes, heldOut: all };

  let best: { frame: Frame; logP: number; heldOut: Int32Array } = { frame: identity, logP: idLogP, heldOut: all };
  const even = Int32Array.from(all.filter((i) => i % 2 === 0));
  const odd = Int32Array.from(all.filter((i) => i % 2 === 1));
  const perm = estimateSignedPermutation(a, b, pairs, even, opts.seed);
  if (perm && !isNearIdentity(perm.frame) && perm.frame.support >= 0.5) {
    const lp = probe(a, b, perm.frame, cache, opts, searchAll || perm.frame.support >= 0.9);
    probes.push({ kind: "signed-permutation", logP: lp, note: `${perm.matched}/${d} residual dimensions matched` });
    if (lp < best.logP) best = { frame: perm.frame, logP: lp, heldOut: odd };
  } else {
    probes.push({ kind: "signed-permutation", logP: 0, note: perm ? `only ${perm.matched}/${d} residual dimensions matched` : "no shared embedding" });
  }
  if (best.logP > CONVINCING) {
    const onCoords = force.rotationCoords ? spreadCoords(d, force.rotationCoords) : d > MAX_ROTATION_DIM && !force.rotation ? probeCoords(d) : null;
    const rot = onCoords ? estimateRotationOnCoords(a, b, pairs, opts.seed, onCoords) : estimateRotation(a, b, pairs, opts.seed, force.rotation);
    if (rot) {
      const lp = probe(a, b, rot, cache, opts, searchAll);
      probes.push({ kind: "rotation", logP: lp });
      if (lp < best.logP) best = { frame: rot, logP: lp, heldOut: new Int32Array(0) };
    } else probes.push({ kind: "rotation", logP: 0, note: `not estimated (needs >= ${d} shared tokens)` });
  }
  return { frame: best.frame, probes, heldOut: best.heldOut };
}

/**
 * Residual widths differ: B's coordinates matched to some of A's from half of the shared tokens'
 * embeddings (the other half held out for the token tests). When that matches fewer than half of
 * them, B's stream may also have been rotated: a semi-orthogonal map onto the A coordinates B
 * reproduces is estimated too, and the frame whose probe shows more is used. No token
 * correspondence, no frame.
 */
function partialFrame(a: CanonicalModel, b: CanonicalModel, pairs: TokenPairs | null, all: Int32Array, opts: UnitTestOptions): FrameChoice {
  const dA = residualWidth(a);
  const dB = residualWidth(b);
  const widths = `residual widths differ (${dA} vs ${dB})`;
  if (!pairs) return { frame: null, probes: [{ kind: "none", logP: 0, note: `${widths} and no shared tokens to match them by` }], heldOut: all };
  const even = Int32Array.from(all.filter((i) => i % 2 === 0));
  const odd = Int32Array.from(all.filter((i) => i % 2 === 1));
  const est = estimatePartialPermutation(a, b, pairs, even, opts.seed);
  const probes: FrameChoice["probes"] = [];
  let best: { frame: Frame; heldOut: Int32Array } | null = null;
  if (est && (est.frame.coords?.length ?? 0) > 0) {
    probes.push({ kind: "partial-permutation", logP: est.logP, note: `${widths}: ${est.matched}/${dB} of B's matched to A's, ${est.frame.coords?.length ?? 0} compared` });
    best = { frame: est.frame, heldOut: odd };
  } else probes.push({ kind: "partial-permutation", logP: 0, note: `${widths}; too few shared tokens to match them` });
  if (!est || est.matched < 0.5 * Math.min(dA, dB)) {
    const rot = estimateSemiOrthogonal(a, b, pairs, opts.seed, probeCoords(dA));
    if (rot) {
      const cache = new ComponentCache(8);
      const lp = probe(a, b, rot, cache, opts);
      probes.push({ kind: "rotation", logP: lp, note: `${rot.coords?.length ?? 0} of A's coordinates reproducible from B's ${dB}` });
      if (!best || lp < probe(a, b, best.frame, cache, opts)) best = { frame: rot, heldOut: new Int32Array(0) };
    } else probes.push({ kind: "rotation", logP: 0, note: `no map: too few of A's coordinates reproducible from B's ${dB}` });
  }
  return best ? { frame: best.frame, probes, heldOut: best.heldOut } : { frame: null, probes, heldOut: all };
}
