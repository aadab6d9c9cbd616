/**
 * @module fingerprint/views
 * Fingerprints and live models seen as (lossy) canonical models, so that `compareModels` runs on
 * them unchanged:
 * - the coordinate view: every residual vector restricted to the sketch coordinates (a live model is
 *   first mapped into the fingerprint's residual frame);
 * - the sampled view: another fingerprint's full-width sample of units, mapped into this one's frame.
 */
import { toFrameA, type Frame } from "../evidence/frame.js";
import { readSomeRows, readUnits, residualWidth } from "../evidence/unit-views.js";
import type { CanonicalModel } from "../model/canonical.js";
import { CanonicalTensor } from "../model/canonical-tensor.js";
import type { HyperParams } from "../model/hyper-params.js";
import { compareKeys } from "../model/roles.js";
import { fromSketch, type Sketch } from "./sketch.js";
import type { Fingerprint } from "./types.js";

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

/** The units of an MLP print as the views readUnits would give (gate/up rows, or up only). */
function mlpTensors(l: number, views: string[], data: Float32Array[], units: number, cols: number): CanonicalTensor[] {
  const out: CanonicalTensor[] = [];
  views.forEach((v, i) => out.push(tensor(`layers.${l}.mlp.${v}`, units, cols, data[i] as Float32Array)));
  // readUnits needs a down matrix of the right shape to accept the layer: an empty stand-in (never read: withDown is off)
  out.push(new CanonicalTensor(`layers.${l}.mlp.down`, [cols, units], "absent", "not in the fingerprint", { rows: cols, cols: units, read: () => {} }));
  return out;
}

/** A fingerprint in its own sketch coordinates. */
export function coordinateView(fp: Fingerprint): CanonicalModel {
  const k = fp.coords.length;
  const p = fp.summary.params;
  const tensors: CanonicalTensor[] = [];
  for (const lp of fp.layers) {
    if (lp.mlp) tensors.push(...mlpTensors(lp.layer, lp.mlp.views, lp.mlp.coords.map((s) => fromSketch(s)), lp.mlp.units, k));
    if (lp.q) tensors.push(tensor(`layers.${lp.layer}.attn.q`, lp.q.rows, k, fromSketch(lp.q)));
    if (lp.v) tensors.push(tensor(`layers.${lp.layer}.attn.v`, lp.v.rows, k, fromSketch(lp.v)));
    if (lp.o) {
      const cols = fromSketch(lp.o); // (H·hd) x k -> o is k x (H·hd)
      const t = new Float32Array(k * lp.o.rows);
      for (let j = 0; j < lp.o.rows; j++) for (let i = 0; i < k; i++) t[i * lp.o.rows + j] = cols[j * k + i] as number;
      tensors.push(tensor(`layers.${lp.layer}.attn.o`, k, lp.o.rows, t));
    }
  }
  const sub = (s: Sketch | null) => (s ? Float32Array.from({ length: s.rows * k }, (_, i) => (s.q[Math.floor(i / k) * s.cols + (fp.coords[i % k] as number)] as number) * (s.scale[Math.floor(i / k)] as number)) : null);
  const e = sub(fp.anchors.embed);
  const h = sub(fp.anchors.head);
  if (e) tensors.push(tensor("embed", fp.anchors.texts.length, k, e));
  if (h) tensors.push(tensor("head", fp.anchors.texts.length, k, h));
  return model(`${fp.summary.path} (fingerprint)`, { ...p, dim: k, vocab: fp.anchors.texts.length }, tensors, fp.anchors.texts, { format: fp.summary.format, architecture: fp.summary.architecture });
}

/**
 * Another fingerprint's sampled full-width units, mapped into this fingerprint's frame and
 * restricted to its sketch coordinates: B's MLP layers with only the sampled units.
 */
export function sampledView(fb: Fingerprint, frame: Frame, coords: Int32Array): CanonicalModel {
  const d = frame.dim;
  const k = coords.length;
  const tensors: CanonicalTensor[] = [];
  for (const lp of fb.layers) {
    if (!lp.mlp) continue;
    const m = lp.mlp.sample.length;
    const data = lp.mlp.full.map((s) => {
      const mapped = toFrameA(frame, fromSketch(s), m);
      return Float32Array.from({ length: m * k }, (_, i) => mapped[Math.floor(i / k) * d + (coords[i % k] as number)] as number);
    });
    tensors.push(...mlpTensors(lp.layer, lp.mlp.views, data, m, k));
  }
  return model(`${fb.summary.path} (sampled units, in the other fingerprint's frame)`, { ...fb.summary.params, dim: k }, tensors, null, { format: fb.summary.format, architecture: fb.summary.architecture });
}

/**
 * A live model mapped into a fingerprint's residual frame and restricted to its sketch coordinates:
 * readers' rows (gains folded) and the output projection's columns, and the embedding and head rows
 * of the fingerprint's anchor tokens.
 */
export function projectedView(m: CanonicalModel, frame: Frame, coords: Int32Array, anchorTexts: string[], withTokens = frame.kind === "identity"): CanonicalModel {
  const d = residualWidth(m);
  const k = coords.length;
  const pick = (x: Float32Array, rows: number) => {
    const mapped = toFrameA(frame, x, rows);
    const out = new Float32Array(rows * k);
    for (let r = 0; r < rows; r++) for (let j = 0; j < k; j++) out[r * k + j] = mapped[r * d + (coords[j] as number)] as number;
    return out;
  };
  const tensors: CanonicalTensor[] = [];
  for (let l = 0; l < m.params.nLayers; l++) {
    const set = readUnits(m, l, "mlp", undefined, false);
    if (set && set.d === d) tensors.push(...mlpTensors(l, set.views, set.data.map((x) => pick(x, set.n)), set.n, k));
    for (const kind of ["attn.q", "attn.v"] as const) {
      const s = readUnits(m, l, kind, undefined, false);
      if (s && s.d === d) tensors.push(tensor(`layers.${l}.${kind}`, s.n, k, pick(s.data[0] as Float32Array, s.n)));
    }
    const o = m.tensors.get(`layers.${l}.attn.o`);
    if (o && o.rows === d) {
      // columns of o are residual vectors: map each, keep the sketch coordinates, store as k x cols
      const full = o.read();
      const cols = o.cols;
      const t = new Float32Array(cols * d);
      for (let i = 0; i < d; i++) for (let j = 0; j < cols; j++) t[j * d + i] = full[i * cols + j] as number;
      const mapped = pick(t, cols);
      const back = new Float32Array(k * cols);
      for (let j = 0; j < cols; j++) for (let i = 0; i < k; i++) back[i * cols + j] = mapped[j * k + i] as number;
      tensors.push(tensor(`layers.${l}.attn.o`, k, cols, back));
    }
  }
  const index = new Map<string, number>();
  (m.tokens?.texts ?? []).forEach((t, i) => {
    if (!index.has(t)) index.set(t, i);
  });
  const ids = anchorTexts.map((t) => index.get(t) ?? -1);
  const present = ids.filter((i) => i >= 0);
  const texts = anchorTexts.filter((_, i) => (ids[i] as number) >= 0);
  // token rows only where they were not used to fit the frame (which would make them alike by construction)
  for (const key of withTokens ? (["embed", "head"] as const) : []) {
    const t = m.tensors.get(key);
    if (!t || t.cols !== d || present.length === 0) continue;
    const x = readSomeRows(t, Int32Array.from(present));
    const g = key === "head" ? m.tensors.get("final_norm") : undefined;
    if (g && g.shape.length === 1 && g.cols === d) {
      const gain = g.read();
      for (let r = 0; r < present.length; r++) for (let j = 0; j < d; j++) x[r * d + j] = (x[r * d + j] as number) * (gain[j] as number);
    }
    tensors.push(tensor(key, present.length, k, pick(x, present.length)));
  }
  return model(`${m.path} (in the fingerprint's frame)`, { ...m.params, dim: k, vocab: present.length }, tensors, texts, { format: m.format, architecture: m.architecture });
}
