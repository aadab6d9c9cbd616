/**
 * @module trace/align
 * Bring the suspect into the master's frame with compare's own symmetry removal, and collect the
 * residual where the alignment holds:
 * - the residual frame (identity, signed permutation, rotation) from chooseFrame;
 * - the layer map (dropped, duplicated, reordered layers) from mapLayers;
 * - MLP hidden units, query rows and value rows paired by unitTest's significant matches (unit
 *   permutations, head permutations, Q/K layouts, pruned units);
 * - token rows (embedding, head) paired by token text (vocabulary edits).
 * Each paired row of the suspect, mapped into the master's residual coordinates, is fitted to the
 * master's row by one scalar (rescalings and sign flips), and the residual (suspect / scalar −
 * master) is divided by the master's norm gain (folded into both sides) and by the master row's RMS
 * — the units the mark was written in.
 */
import { chooseFrame, type FrameChoice } from "../evidence/choose-frame.js";
import { toFrameA, type Frame } from "../evidence/frame.js";
import { mapLayers } from "../evidence/layer-map.js";
import { tokenPairs } from "../evidence/token-pairs.js";
import { ComponentCache, DEFAULT_UNIT_OPTIONS, unitTest, type UnitTestOptions } from "../evidence/unit-test.js";
import { isLarge, readSomeColumns, readSomeRows, residualWidth } from "../evidence/unit-views.js";
import type { CanonicalModel } from "../model/canonical.js";
import type { CanonicalTensor } from "../model/canonical-tensor.js";
import { Rng } from "../numeric/rng.js";
import { Residuals } from "./residuals.js";

/** A layer or unit match counts when its p-value is this small (compare's "shared"). */
const SHARED = Math.log(1e-6);

export interface AlignOptions {
  /** Most units paired per component (all of them in narrow models). */
  units?: number;
  /** Most token rows used per token matrix. */
  tokens?: number;
  seed?: number;
}

export interface Alignment {
  residuals: Residuals;
  frame: { kind: string; support: number; source: string; probes: FrameChoice["probes"] };
  /** For each suspect layer, the master layer it was aligned to (null: none). */
  layerMap: Array<number | null>;
  /** Rows paired per component kind. */
  paired: Record<string, number>;
  notes: string[];
}

function gain(m: CanonicalModel, key: string, d: number): Float32Array | null {
  const g = m.tensors.get(key);
  return g && g.shape.length === 1 && g.rows * g.cols === d ? g.read() : null;
}

/** RMS of each row of a tensor (one streamed pass). */
function rowRms(t: CanonicalTensor): Float64Array {
  const out = new Float64Array(t.rows);
  const per = Math.max(1, Math.floor((1 << 22) / t.cols));
  for (let r0 = 0; r0 < t.rows; r0 += per) {
    const n = Math.min(per, t.rows - r0);
    const x = t.readRows(r0, n);
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let j = 0; j < t.cols; j++) s += (x[r * t.cols + j] as number) ** 2;
      out[r0 + r] = Math.sqrt(s / t.cols);
    }
  }
  return out;
}

function rmsOf(x: Float32Array, o: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) s += (x[o + j] as number) ** 2;
  return Math.sqrt(s / d);
}

/**
 * Residuals of paired rows of width d (residual coordinates). `a`: the master's rows with its gain
 * folded (`g`, or none); `b`: the suspect's rows mapped into the master's frame, gain folded;
 * `scale(i, j)`: the master amplitude unit of entry (i, j) (row RMS times gain); `valid`: the
 * master coordinates the frame reaches (all when null).
 */
function residualRows(a: Float32Array, b: Float32Array, rows: number, d: number, scale: (i: number, j: number) => number, valid: Uint8Array | null): Float64Array {
  const out = new Float64Array(rows * d).fill(NaN);
  for (let i = 0; i < rows; i++) {
    const o = i * d;
    let ab = 0;
    let aa = 0;
    for (let j = 0; j < d; j++) {
      if (valid && !valid[j]) continue;
      ab += (a[o + j] as number) * (b[o + j] as number);
      aa += (a[o + j] as number) ** 2;
    }
    if (!(aa > 0) || Math.abs(ab) < 1e-3 * aa) continue; // no usable fit: the row stays unaligned
    const inv = aa / ab;
    for (let j = 0; j < d; j++) {
      if (valid && !valid[j]) continue;
      const sc = scale(i, j);
      if (!(sc > 0)) continue;
      out[o + j] = ((b[o + j] as number) * inv - (a[o + j] as number)) / sc;
    }
  }
  return out;
}

function fold(x: Float32Array, rows: number, d: number, g: Float32Array | null): Float32Array {
  if (!g) return x;
  for (let r = 0; r < rows; r++) for (let j = 0; j < d; j++) x[r * d + j] = (x[r * d + j] as number) * (g[j] as number);
  return x;
}

/** Down columns (writers) of paired MLP units. */
function writerColumns(res: Residuals, a: CanonicalModel, la: number, b: CanonicalModel, lb: number, aUnits: Int32Array, bUnits: Int32Array, frame: Frame, valid: Uint8Array | null): number {
  const key = `layers.${la}.mlp.down`;
  const ta = a.tensors.get(key);
  const tb = b.tensors.get(`layers.${lb}.mlp.down`);
  const d = frame.dim;
  if (!ta || !tb || ta.rows !== d || tb.rows !== d || aUnits.length === 0) return 0;
  const rms = rowRms(ta);
  const A = readSomeColumns(ta, aUnits);
  const B = toFrameA(frame, readSomeColumns(tb, bUnits), bUnits.length);
  const r = residualRows(A, B, aUnits.length, d, (_i, j) => rms[j] as number, valid);
  const ffn = ta.cols;
  res.add({ tensor: key, rows: aUnits.length, cols: d, r, index: (i, j) => j * ffn + (aUnits[i] as number) });
  return aUnits.length;
}

function pairsOf(matches: Array<{ a: number; b: number }>): { a: Int32Array; b: Int32Array } {
  const sorted = [...matches].sort((x, y) => x.a - y.a);
  return { a: Int32Array.from(sorted, (m) => m.a), b: Int32Array.from(sorted, (m) => m.b) };
}

/** Align suspect `b` to master `a` and collect the residual. */
export function align(a: CanonicalModel, b: CanonicalModel, o: AlignOptions = {}): Alignment {
  const big = isLarge(a);
  const opts: UnitTestOptions = { ...DEFAULT_UNIT_OPTIONS, sample: o.units ?? (big ? 384 : 1 << 20), withDown: !big, seed: o.seed ?? DEFAULT_UNIT_OPTIONS.seed };
  const res = new Residuals();
  const notes: string[] = [];
  const paired: Record<string, number> = {};
  const count = (k: string, n: number) => (paired[k] = (paired[k] ?? 0) + n);
  const pairs = tokenPairs(a, b);
  const choice = chooseFrame(a, b, pairs, opts);
  const frame = choice.frame;
  const LB = b.params.nLayers;
  if (!frame) {
    notes.push(choice.probes[0]?.note ?? "no residual frame: nothing could be aligned");
    return { residuals: res, frame: { kind: "none", support: 0, source: "-", probes: choice.probes }, layerMap: new Array<null>(LB).fill(null), paired, notes };
  }
  const d = residualWidth(a);
  let valid: Uint8Array | null = null;
  if (frame.coords) {
    valid = new Uint8Array(d);
    for (const c of frame.coords) valid[c] = 1;
    notes.push(`rotation estimated onto ${frame.coords.length} of ${d} residual coordinates: only those are compared`);
  }
  const cache = new ComponentCache(big ? 2 : 64);
  const map = mapLayers(a, b, frame, cache, opts, false);
  const layerMap: Array<number | null> = [];
  for (const le of map.layers) {
    const r = le.result;
    if (!r || r.logP > SHARED) {
      layerMap.push(null);
      continue;
    }
    const la = r.a;
    const lb = le.b;
    layerMap.push(la);
    // MLP units: gate / up rows (readers), down columns (writers)
    const mlp = pairsOf(r.matches);
    for (const view of ["gate", "up"]) count(`mlp.${view}`, readerRows(res, a, b, `layers.${la}.mlp.${view}`, `layers.${lb}.mlp.${view}`, mlp.a, mlp.b, `layers.${la}.mlp_norm`, `layers.${lb}.mlp_norm`, frame, valid));
    count("mlp.down", writerColumns(res, a, la, b, lb, mlp.a, mlp.b, frame, valid));
    for (const kind of ["attn.q", "attn.v"] as const) {
      const u = unitTest(a, la, b, lb, kind, frame, cache, opts);
      if (!u || u.logP > SHARED) continue;
      const p = pairsOf(u.matches);
      count(kind, readerRows(res, a, b, `layers.${la}.${kind}`, `layers.${lb}.${kind}`, p.a, p.b, `layers.${la}.attn_norm`, `layers.${lb}.attn_norm`, frame, valid));
    }
  }
  // token rows
  if (pairs) {
    const rng = new Rng((o.seed ?? 1) ^ 0x70c3);
    const max = o.tokens ?? 4096;
    const pick = pairs.a.length > max ? rng.permutation(pairs.a.length).slice(0, max) : Int32Array.from(pairs.a.keys());
    const sorted = Array.from(pick).sort((x, y) => (pairs.a[x] as number) - (pairs.a[y] as number));
    const ta = Int32Array.from(sorted, (i) => pairs.a[i] as number);
    const tb = Int32Array.from(sorted, (i) => pairs.b[i] as number);
    count("embed", readerRows(res, a, b, "embed", "embed", ta, tb, null, null, frame, valid));
    if (a.tensors.has("head") && b.tensors.has("head")) count("head", readerRows(res, a, b, "head", "head", ta, tb, "final_norm", "final_norm", frame, valid));
  } else notes.push("no token correspondence: embedding and head rows were not aligned");
  return { residuals: res, frame: { kind: frame.kind, support: frame.support, source: frame.source, probes: choice.probes }, layerMap, paired, notes };
}

/** Paired rows whose columns are residual coordinates (readers, token rows), each side's norm gain folded. */
function readerRows(res: Residuals, a: CanonicalModel, b: CanonicalModel, key: string, bKey: string, aRows: Int32Array, bRows: Int32Array, gA: string | null, gB: string | null, frame: Frame, valid: Uint8Array | null): number {
  const ta = a.tensors.get(key);
  const tb = b.tensors.get(bKey);
  const d = frame.dim;
  if (!ta || !tb || ta.cols !== d || tb.cols !== d || aRows.length === 0) return 0;
  const ga = gA ? gain(a, gA, d) : null;
  const gb = gB ? gain(b, gB, d) : null;
  const rawA = readSomeRows(ta, aRows);
  const rms = Float64Array.from(aRows, (_, i) => rmsOf(rawA, i * d, d));
  const A = fold(Float32Array.from(rawA), aRows.length, d, ga);
  const B = toFrameA(frame, fold(readSomeRows(tb, bRows), bRows.length, d, gb), bRows.length);
  const r = residualRows(A, B, aRows.length, d, (i, j) => (rms[i] as number) * (ga ? Math.abs(ga[j] as number) : 1), valid);
  res.add({ tensor: key, rows: aRows.length, cols: d, r, index: (i, j) => (aRows[i] as number) * d + j });
  return aRows.length;
}
