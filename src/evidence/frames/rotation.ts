/**
 * @module evidence/frames/rotation
 * Estimate an orthogonal rotation of the residual stream from the embedding rows of shared tokens
 * (orthogonal Procrustes): R minimising ||E_A·R − E_B||. Needs at least as many shared tokens as
 * residual dimensions; its cost grows as d³, so it is skipped above MAX_ROTATION_DIM unless forced.
 * Embedding and head evidence is not counted in this frame (the frame was fitted to them, and
 * independently trained embeddings align semantically under rotations); layers carry the evidence.
 */
import type { CanonicalModel } from "../../model/canonical.js";
import { crossProduct, procrustes } from "../../numeric/linalg.js";
import { Rng } from "../../numeric/rng.js";
import type { Frame } from "../frame.js";
import { normalizeRows } from "../similarity.js";
import type { TokenPairs } from "../token-pairs.js";
import { readSomeRows } from "../unit-views.js";

export const MAX_ROTATION_DIM = 1024;

export function estimateRotation(a: CanonicalModel, b: CanonicalModel, pairs: TokenPairs, seed: number, force = false): Frame | null {
  const ea = a.tensors.get("embed");
  const eb = b.tensors.get("embed");
  if (!ea || !eb || ea.cols !== eb.cols) return null;
  const d = ea.cols;
  if (pairs.a.length < d || (d > MAX_ROTATION_DIM && !force)) return null;
  const rng = new Rng(seed ^ 0x407a);
  const k = Math.min(pairs.a.length, 4 * d);
  const pick = k < pairs.a.length ? rng.permutation(pairs.a.length).slice(0, k) : Int32Array.from(pairs.a.keys());
  return rotationFromRows(readSomeRows(ea, Int32Array.from(pick, (i) => pairs.a[i] as number)), readSomeRows(eb, Int32Array.from(pick, (i) => pairs.b[i] as number)), k, d);
}

/** The rotation from paired token rows of A and B (k >= d rows of width d). */
export function rotationFromRows(ra: Float32Array, rb: Float32Array, k: number, d: number): Frame {
  const xa = normalizeRows(ra, k, d);
  const xb = normalizeRows(rb, k, d);
  const r = procrustes(crossProduct(xa, xb, k, d, d));
  return { kind: "rotation", dim: d, rotation: r.data, support: 1, source: `orthogonal Procrustes on ${k} shared tokens' embeddings` };
}
