/**
 * @module fingerprint/views
 * Fingerprints and live models seen as (lossy) canonical models, so that `compareModels` runs on
 * them unchanged:
 * - the kept view: a fingerprint's kept MLP units (whole rows, or on its sketch coordinates), and
 *   its anchor tokens' embedding rows; another fingerprint's kept rows may first be mapped into
 *   this one's residual frame;
 * - the projected view: a live model mapped into a fingerprint's residual frame, on its
 *   coordinates, with all of its MLP units.
 */
import { toFrameA, type Frame } from "../evidence/frame.js";
import { readSomeRows, readUnitColumns, readUnits, residualWidth, type ColumnPick } from "../evidence/unit-views.js";
import type { CanonicalModel } from "../model/canonical.js";
import { CanonicalTensor } from "../model/canonical-tensor.js";
import type { HyperParams } from "../model/hyper-params.js";
import { compareKeys } from "../model/roles.js";
import { fromSketch } from "./sketch.js";
import type { Fingerprint } from "./types.js";
import { tokenTexts } from "./token-texts.js";

function tensor(key: string, rows: number, cols: number, values: Float32Array): CanonicalTensor {
  return new CanonicalTensor(key, [rows, cols], "F32", key, { rows, cols, read: (r0, n, out) => out.set(values.subarray(r0 * cols, (r0 + n) * cols)) });
}

/** Tensors and token texts as a (lossy) canonical model that `compareModels` reads. */
export function viewModel(path: string, params: HyperParams, tensors: CanonicalTensor[], texts: string[] | null, base: { format: string; architecture: string }): CanonicalModel {
  const map = new Map<string, CanonicalTensor>();
  for (const t of tensors.sort((x, y) => compareKeys(x.key, y.key))) map.set(t.key, t);
  return {
    path, format: base.format as CanonicalModel["format"], files: [], architecture: base.architecture, params, tensors: map,
    tokens: texts ? { kind: "anchors", tokens: texts, texts, source: path } : undefined,
    declared: { baseModels: [], problems: [] }, metadata: {}, ignored: [], notes: [], entries: [], close() {},
  };
}

/** MLP units as the views readUnits gives, with a stand-in down matrix (dtype "absent": never read). */
export function viewTensors(l: number, views: string[], data: Float32Array[], units: number, cols: number): CanonicalTensor[] {
  const out = views.map((v, i) => tensor(`layers.${l}.mlp.${v}`, units, cols, data[i] as Float32Array));
  out.push(new CanonicalTensor(`layers.${l}.mlp.down`, [cols, units], "absent", "not in the fingerprint", { rows: cols, cols: units, read: () => {} }));
  return out;
}

function restrict(x: Float32Array, rows: number, d: number, coords: Int32Array): Float32Array {
  if (coords.length === d) return x;
  const k = coords.length;
  const out = new Float32Array(rows * k);
  for (let r = 0; r < rows; r++) for (let j = 0; j < k; j++) out[r * k + j] = x[r * d + (coords[j] as number)] as number;
  return out;
}

/**
 * A fingerprint's kept units as a model. With `frame`, its rows (whole rows only) are first mapped
 * into another fingerprint's residual frame; `withTokens` adds the anchors' embedding rows.
 */
export function keptView(fp: Fingerprint, frame: Frame | null = null, withTokens = true): CanonicalModel {
  const w = fp.coords.length;
  const whole = w === fp.dim;
  const map = (x: Float32Array, rows: number) => (frame && whole ? toFrameA(frame, x, rows) : x);
  const tensors: CanonicalTensor[] = [];
  for (const lp of fp.layers) {
    if (!lp.mlp) continue;
    const n = lp.mlp.kept.length;
    tensors.push(...viewTensors(lp.layer, lp.mlp.views, lp.mlp.rows.map((s) => map(fromSketch(s), n)), n, w));
  }
  const e = fp.anchors.embed;
  // anchor rows are whole (mapped, then restricted like the units) or already at the kept coordinates
  if (withTokens && e) tensors.push(tensor("embed", e.rows, w, e.cols === fp.dim ? restrict(map(fromSketch(e), e.rows), e.rows, fp.dim, fp.coords) : fromSketch(e)));
  const p = fp.summary.params;
  return viewModel(`${fp.summary.path} (fingerprint)`, { ...p, dim: w, vocab: e?.rows ?? 0 }, tensors, withTokens && e ? fp.anchors.texts : null, { format: fp.summary.format, architecture: fp.summary.architecture });
}

/** B's column and sign for each kept A coordinate under an identity or signed-permutation frame. */
function columnMap(frame: Frame, coords: Int32Array): ColumnPick | null {
  if (frame.kind === "identity") return { col: coords, sign: new Float32Array(coords.length).fill(1) };
  if (frame.kind !== "signed-permutation" || !frame.perm || !frame.sign) return null;
  const fromA = new Int32Array(frame.dim).fill(-1);
  frame.perm.forEach((a, j) => (fromA[a] = j));
  const col = Int32Array.from(coords, (c) => fromA[c] as number);
  return { col, sign: Float32Array.from(col, (j) => (j >= 0 ? (frame.sign as Float32Array)[j] as number : 0)) };
}

/**
 * A live model mapped into a fingerprint's residual frame and restricted to its coordinates, once
 * per frame in one pass over the weights: every MLP unit (gains folded), and the embedding rows of
 * the fingerprint's anchor tokens unless the frame was fitted to them. Identity and permutation
 * frames gather the kept columns directly; a rotation maps whole rows first.
 */
export function projectedViews(m: CanonicalModel, frames: Frame[], coords: Int32Array, anchorTexts: string[]): CanonicalModel[] {
  const d = residualWidth(m);
  const k = coords.length;
  const maps = frames.map((frame) => columnMap(frame, coords));
  const pick = (f: number, x: Float32Array, rows: number): Float32Array => {
    const cm = maps[f];
    if (!cm) return restrict(toFrameA(frames[f] as Frame, x, rows), rows, d, coords);
    const out = new Float32Array(rows * k);
    for (let r = 0; r < rows; r++) for (let i = 0; i < k; i++) out[r * k + i] = (cm.col[i] as number) >= 0 ? (cm.sign[i] as number) * (x[r * d + (cm.col[i] as number)] as number) : 0;
    return out;
  };
  const tensors: CanonicalTensor[][] = frames.map(() => []);
  const direct = maps.flatMap((cm, f) => (cm ? [f] : []));
  const mapped = maps.flatMap((cm, f) => (cm ? [] : [f]));
  for (let l = 0; l < m.params.nLayers; l++) {
    // identity and permutations: only the kept columns are read out of each row
    const sets = direct.length ? readUnitColumns(m, l, direct.map((f) => maps[f] as ColumnPick)) : [];
    sets?.forEach((set, i) => (tensors[direct[i] as number] as CanonicalTensor[]).push(...viewTensors(l, set.views, set.data, set.n, k)));
    if (!mapped.length) continue;
    // rotations: whole rows, mapped, then restricted
    const set = readUnits(m, l, "mlp", undefined, false);
    if (!set || set.d !== d) continue;
    for (const f of mapped) (tensors[f] as CanonicalTensor[]).push(...viewTensors(l, set.views, set.data.map((x) => pick(f, x, set.n)), set.n, k));
  }
  const index = new Map<string, number>();
  tokenTexts(m).forEach((t, i) => {
    if (!index.has(t)) index.set(t, i);
  });
  const ids = anchorTexts.map((t) => index.get(t) ?? -1);
  const present = ids.filter((i) => i >= 0);
  const texts = anchorTexts.filter((_, i) => (ids[i] as number) >= 0);
  const e = m.tensors.get("embed");
  return frames.map((frame, f) => {
    const own = tensors[f] as CanonicalTensor[];
    const withTokens = frame.kind === "identity";
    if (withTokens && e && e.cols === d && present.length > 0) own.push(tensor("embed", present.length, k, pick(f, readSomeRows(e, Int32Array.from(present)), present.length)));
    return viewModel(`${m.path} (in the fingerprint's frame)`, { ...m.params, dim: k, vocab: present.length }, own, withTokens ? texts : null, { format: m.format, architecture: m.architecture });
  });
}
