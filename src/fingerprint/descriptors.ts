/**
 * @module fingerprint/descriptors
 * Frame-free descriptions of MLP units: a unit's input row w (norm gain folded) against the
 * normalised embeddings ê_t of hash-chosen anchor tokens, d_t = w·ê_t. Whatever orthogonal map Q
 * the residual stream went through (a signed permutation, a rotation, any product of them), w and
 * every e_t went through it together, so w·ê_t = Qw·Qê_t is unchanged; rescalings between a norm
 * gain and the rows after it cancel once the gain is folded; renumbered or trimmed vocabularies
 * still pair anchors by their text. The width drops out too: a model whose residual stream was
 * pruned keeps most of each d_t (the dropped coordinates are the least used ones), so models of
 * different widths compare in the same anchor space.
 *
 * Descriptors are compared after centring each unit's row over the anchors both sides hold (the
 * component shared by every anchor — a mean embedding direction — carries no unit identity).
 */
import { cosines } from "../evidence/similarity.js";
import { mlpNormGain, mlpParts, readSomeRows, residualWidth } from "../evidence/unit-views.js";
import type { CanonicalModel } from "../model/canonical.js";
import type { CanonicalTensor } from "../model/canonical-tensor.js";

/** Anchor tokens whose embeddings span the descriptor space of wide models. */
export const DESCRIPTOR_ANCHORS = 160;
/** Fewer shared anchors than this and descriptors are not compared. */
export const MIN_SHARED_ANCHORS = 48;

const NEAR_DUPLICATE = 0.999;

/**
 * Up to `k` anchor tokens for descriptors: tokens in the order of the hash of their text
 * (`ranked`, from frameAnchors), skipping those whose embedding row is zero, non-finite or a
 * near-duplicate of one already chosen (untrained and reserved tokens often share one row: as
 * anchors they would add nothing but repeated columns). Whether two rows are near-duplicates does
 * not depend on the residual frame, so a scrambled copy skips the same tokens.
 */
export function distinctAnchors(m: CanonicalModel, ranked: Int32Array, k: number): Int32Array {
  const d = residualWidth(m);
  const e = m.tensors.get("embed");
  if (!e || e.cols !== d) return new Int32Array(0);
  const chosen: number[] = [];
  const rows = new Float32Array(k * d);
  const BATCH = 64;
  for (let at = 0; at < ranked.length && chosen.length < k; at += BATCH) {
    const ids = ranked.slice(at, at + BATCH).filter((i) => i >= 0 && i < e.rows);
    const x = readSomeRows(e, ids);
    ids.forEach((id, r) => {
      if (chosen.length >= k) return;
      const o = r * d;
      let s = 0;
      for (let j = 0; j < d; j++) s += (x[o + j] as number) ** 2;
      if (!(s > 0) || !Number.isFinite(s)) return;
      const inv = 1 / Math.sqrt(s);
      for (let j = 0; j < d; j++) x[o + j] = (x[o + j] as number) * inv;
      for (let c = 0; c < chosen.length; c++) {
        let dot = 0;
        for (let j = 0; j < d; j++) dot += (x[o + j] as number) * (rows[c * d + j] as number);
        if (dot > NEAR_DUPLICATE) return;
      }
      rows.set(x.subarray(o, o + d), chosen.length * d);
      chosen.push(id);
    });
  }
  return Int32Array.from(chosen);
}

/**
 * Normalised embedding rows of `ids` (k x d), centred over the k anchors; rows of ids outside the
 * vocabulary, or of zero norm, stay zero and do not enter the mean.
 */
export function anchorBasis(m: CanonicalModel, ids: Int32Array): Float32Array {
  const d = residualWidth(m);
  const k = ids.length;
  const out = new Float32Array(k * d);
  const e = m.tensors.get("embed");
  if (!e || e.cols !== d) return out;
  const valid = Int32Array.from(ids.filter((i) => i >= 0 && i < e.rows));
  const rows = readSomeRows(e, valid);
  let r = 0;
  ids.forEach((id, t) => {
    if (id < 0 || id >= e.rows) return;
    const o = r++ * d;
    let s = 0;
    for (let j = 0; j < d; j++) s += (rows[o + j] as number) ** 2;
    if (!(s > 0) || !Number.isFinite(s)) return;
    const inv = 1 / Math.sqrt(s);
    for (let j = 0; j < d; j++) out[t * d + j] = (rows[o + j] as number) * inv;
  });
  return centreRows(out, k, d, true);
}

/**
 * Centre a k x d matrix: `overRows` subtracts the mean row (rows of zeros excluded), else each
 * row's own mean is subtracted (in place).
 */
export function centreRows(x: Float32Array, k: number, d: number, overRows: boolean): Float32Array {
  if (overRows) {
    const mean = new Float64Array(d);
    const live: number[] = [];
    for (let t = 0; t < k; t++) {
      let nz = false;
      for (let j = 0; j < d && !nz; j++) nz = x[t * d + j] !== 0;
      if (nz) live.push(t);
    }
    if (live.length === 0) return x;
    for (const t of live) for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (x[t * d + j] as number);
    for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) / live.length;
    for (const t of live) for (let j = 0; j < d; j++) x[t * d + j] = (x[t * d + j] as number) - (mean[j] as number);
    return x;
  }
  for (let r = 0; r < k; r++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += x[r * d + j] as number;
    const mu = s / d;
    for (let j = 0; j < d; j++) x[r * d + j] = (x[r * d + j] as number) - mu;
  }
  return x;
}

/** Descriptors of rows (n x d, gain already folded) against a basis (k x d): n x k. */
export function describeRows(rows: Float32Array, n: number, basis: Float32Array, k: number, d: number): Float32Array {
  if (n === 0 || k === 0) return new Float32Array(n * k);
  const out = cosines(rows, n, basis, k, d);
  // non-finite weights are no evidence of anything: their descriptors are zero rows
  for (let i = 0; i < out.length; i++) if (!Number.isFinite(out[i] as number)) out[i] = 0;
  return out;
}

const CHUNK_BYTES = 4 << 20;

/**
 * Every MLP unit of layer `l` described against `basis` (k x d, this model's anchors), view by view
 * (gate and up, or up), streamed in chunks: the norm gain is folded into the basis instead of the
 * rows. Null when the layer has no MLP readable as units.
 */
export function layerDescriptors(m: CanonicalModel, l: number, basis: Float32Array, k: number): { n: number; views: string[]; data: Float32Array[]; combine: "gated" | "plain" } | null {
  const d = residualWidth(m);
  const parts = mlpParts(m, l);
  if (parts.length === 0 || parts.some((p) => p.up.cols !== d || p.down.rows !== d)) return null;
  const gain = mlpNormGain(m, l);
  const gated = parts.every((p) => p.gate);
  const n = parts.reduce((s, p) => s + p.up.rows, 0);
  const views = gated ? ["gate", "up"] : ["up"];
  const g = gain ? basis.map((b, i) => b * (gain[i % d] as number)) : basis;
  const data = views.map(() => new Float32Array(n * k));
  const chunk = Math.max(1, Math.floor(CHUNK_BYTES / 4 / d));
  const buf = new Float32Array(chunk * d);
  let base = 0;
  for (const p of parts) {
    const tensors: CanonicalTensor[] = gated ? [p.gate as CanonicalTensor, p.up] : [p.up];
    tensors.forEach((t, v) => {
      for (let r0 = 0; r0 < t.rows; r0 += chunk) {
        const rows = Math.min(chunk, t.rows - r0);
        const x = t.readRowsInto(r0, rows, buf);
        (data[v] as Float32Array).set(describeRows(x, rows, g, k, d), (base + r0) * k);
      }
    });
    base += p.up.rows;
  }
  return { n, views, data, combine: gated ? "gated" : "plain" };
}
