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
import { readSomeRows, readUnits, residualWidth } from "../evidence/unit-views.js";
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

function model(path: string, params: HyperParams, tensors: CanonicalTensor[], texts: string[] | null, base: { format: string; architecture: string }): CanonicalModel {
  const map = new Map<string, CanonicalTensor>();
  for (const t of tensors.sort((x, y) => compareKeys(x.key, y.key))) map.set(t.key, t);
  return {
    path, format: base.format as CanonicalModel["format"], files: [], architecture: base.architecture, params, tensors: map,
    tokens: texts ? { kind: "anchors", tokens: texts, texts, source: path } : undefined,
    declared: { baseModels: [], problems: [] }, metadata: {}, ignored: [], notes: [], entries: [], close() {},
  };
}

/** MLP units as the views readUnits gives, with a stand-in down matrix (dtype "absent": never read). */
function mlpTensors(l: number, views: string[], data: Float32Array[], units: number, cols: number): CanonicalTensor[] {
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
    tensors.push(...mlpTensors(lp.layer, lp.mlp.views, lp.mlp.rows.map((s) => map(fromSketch(s), n)), n, w));
  }
  const e = fp.anchors.embed;
  if (withTokens && e) tensors.push(tensor("embed", e.rows, w, restrict(map(fromSketch(e), e.rows), e.rows, fp.dim, fp.coords)));
  const p = fp.summary.params;
  return model(`${fp.summary.path} (fingerprint)`, { ...p, dim: w, vocab: e?.rows ?? 0 }, tensors, withTokens && e ? fp.anchors.texts : null, { format: fp.summary.format, architecture: fp.summary.architecture });
}

/**
 * A live model mapped into a fingerprint's residual frame and restricted to its coordinates: every
 * MLP unit (gains folded), and the embedding rows of the fingerprint's anchor tokens unless the frame
 * was fitted to them.
 */
export function projectedView(m: CanonicalModel, frame: Frame, coords: Int32Array, anchorTexts: string[], withTokens = frame.kind === "identity"): CanonicalModel {
  const d = residualWidth(m);
  const k = coords.length;
  const pick = (x: Float32Array, rows: number) => restrict(toFrameA(frame, x, rows), rows, d, coords);
  const tensors: CanonicalTensor[] = [];
  for (let l = 0; l < m.params.nLayers; l++) {
    const set = readUnits(m, l, "mlp", undefined, false);
    if (set && set.d === d) tensors.push(...mlpTensors(l, set.views, set.data.map((x) => pick(x, set.n)), set.n, k));
  }
  const index = new Map<string, number>();
  tokenTexts(m).forEach((t, i) => {
    if (!index.has(t)) index.set(t, i);
  });
  const ids = anchorTexts.map((t) => index.get(t) ?? -1);
  const present = ids.filter((i) => i >= 0);
  const texts = anchorTexts.filter((_, i) => (ids[i] as number) >= 0);
  const e = m.tensors.get("embed");
  if (withTokens && e && e.cols === d && present.length > 0) tensors.push(tensor("embed", present.length, k, pick(readSomeRows(e, Int32Array.from(present)), present.length)));
  return model(`${m.path} (in the fingerprint's frame)`, { ...m.params, dim: k, vocab: present.length }, tensors, withTokens ? texts : null, { format: m.format, architecture: m.architecture });
}
