/**
 * @module fingerprint/descriptor-views
 * Fingerprints and live models seen in anchor space (descriptors.ts), so that `compareModels`
 * runs on them in the identity frame: each MLP unit is its row of descriptors over the anchor
 * tokens both sides hold, centred. No residual frame is estimated — none is needed — and the two
 * sides may differ in width.
 */
import { residualWidth } from "../evidence/unit-views.js";
import type { CanonicalModel } from "../model/canonical.js";
import { anchorBasis, centreRows, describeRows, layerDescriptors } from "./descriptors.js";
import { fromSketch } from "./sketch.js";
import { tokenTexts } from "./token-texts.js";
import type { Fingerprint } from "./types.js";
import { viewModel, viewTensors } from "./views.js";

export interface DescribedLayer {
  layer: number;
  views: string[];
  combine: "gated" | "plain" | "abs";
  n: number;
  /** Per view: n x anchors. */
  data: Float32Array[];
}

/** A fingerprint's kept units as descriptor rows over its anchors (computed from whole rows when it kept those). */
export function describedLayers(fp: Fingerprint): DescribedLayer[] {
  const k = fp.anchors.texts.length;
  let basis: Float32Array | null = null;
  if (fp.space === "rows") {
    const e = fp.anchors.embed;
    if (!e || e.cols !== fp.dim) return [];
    basis = centreRows(normalised(fromSketch(e), e.rows, fp.dim), e.rows, fp.dim, true);
  }
  const out: DescribedLayer[] = [];
  for (const lp of fp.layers) {
    const mlp = lp.mlp;
    if (!mlp) continue;
    const n = mlp.kept.length;
    const data = mlp.rows.map((s) => (basis ? describeRows(fromSketch(s), n, basis, k, fp.dim) : fromSketch(s)));
    out.push({ layer: lp.layer, views: mlp.views, combine: mlp.combine, n, data });
  }
  return out;
}

function normalised(x: Float32Array, rows: number, d: number): Float32Array {
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += (x[r * d + j] as number) ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < d; j++) x[r * d + j] = (x[r * d + j] as number) * inv;
  }
  return x;
}

/** Anchor texts held by both sides, as column pairs (in A's order). */
export function sharedAnchors(textsA: readonly string[], textsB: readonly string[]): { a: Int32Array; b: Int32Array } {
  const index = new Map<string, number>();
  textsB.forEach((t, i) => {
    if (!index.has(t)) index.set(t, i);
  });
  const a: number[] = [];
  const b: number[] = [];
  textsA.forEach((t, i) => {
    const j = index.get(t);
    if (j === undefined) return;
    a.push(i);
    b.push(j);
  });
  return { a: Int32Array.from(a), b: Int32Array.from(b) };
}

/** Columns `cols` of an n x k matrix, each row centred. */
function onColumns(x: Float32Array, n: number, k: number, cols: Int32Array): Float32Array {
  const w = cols.length;
  const out = new Float32Array(n * w);
  for (let r = 0; r < n; r++) for (let j = 0; j < w; j++) out[r * w + j] = x[r * k + (cols[j] as number)] as number;
  return centreRows(out, n, w, false);
}

/** A fingerprint's kept units in anchor space, on the anchor columns `cols`. */
export function descriptorView(fp: Fingerprint, cols: Int32Array): CanonicalModel {
  const k = fp.anchors.texts.length;
  const tensors = describedLayers(fp).flatMap((dl) => viewTensors(dl.layer, dl.views, dl.data.map((x) => onColumns(x, dl.n, k, cols)), dl.n, cols.length));
  return viewModel(`${fp.summary.path} (fingerprint)`, { ...fp.summary.params, dim: cols.length, vocab: 0 }, tensors, null, fp.summary);
}

/**
 * A live model in anchor space over `texts` (anchor texts it holds): every MLP unit of every layer
 * described against its own embeddings of those tokens, rows centred.
 */
export function liveDescriptorView(m: CanonicalModel, texts: readonly string[]): CanonicalModel {
  const index = new Map<string, number>();
  tokenTexts(m).forEach((t, i) => {
    if (!index.has(t)) index.set(t, i);
  });
  const ids = Int32Array.from(texts, (t) => index.get(t) ?? -1);
  const k = ids.length;
  const basis = anchorBasis(m, ids);
  const tensors = [];
  for (let l = 0; l < m.params.nLayers; l++) {
    const set = layerDescriptors(m, l, basis, k);
    if (!set) continue;
    tensors.push(...viewTensors(l, set.views, set.data.map((x) => centreRows(x, set.n, k, false)), set.n, k));
  }
  return viewModel(`${m.path} (in anchor space)`, { ...m.params, dim: k, vocab: 0 }, tensors, null, m);
}

/** The anchor texts of `fp` that a live model holds (its embedding must be readable). */
export function anchorsHeldBy(fp: Fingerprint, m: CanonicalModel): { fp: Int32Array; texts: string[] } {
  const e = m.tensors.get("embed");
  if (!e || e.cols !== residualWidth(m)) return { fp: new Int32Array(0), texts: [] };
  const own = tokenTexts(m).slice(0, e.rows);
  const pairs = sharedAnchors(fp.anchors.texts, own);
  return { fp: pairs.a, texts: Array.from(pairs.a, (i) => fp.anchors.texts[i] as string) };
}
