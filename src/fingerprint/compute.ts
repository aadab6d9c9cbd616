/**
 * @module fingerprint/compute
 * One streaming pass over a model -> its fingerprint. Layers are read one at a time (gate, up,
 * query, value, output rows); nothing else of the model is held.
 */
import { cosines, rowNorms } from "../evidence/similarity.js";
import { readSomeRows, readUnits, residualWidth, type UnitSet } from "../evidence/unit-views.js";
import type { CanonicalModel } from "../model/canonical.js";
import { storedTypes } from "../evidence/transforms/quantization.js";
import { inputDigest } from "../report/input-digest.js";
import { descriptorAnchors, frameAnchors, sketchCoordinates } from "./anchors.js";
import { columnMeans, IndexKeyBuilder, signCode, topRows, unitsPerLayer } from "./index-key.js";
import { toSketch, type Sketch } from "./sketch.js";
import { Rng } from "../numeric/rng.js";
import { FINGERPRINT_VERSION, type Fingerprint, type LayerPrint, type MlpPrint } from "./types.js";

export interface FingerprintOptions {
  /** Sketch coordinates (default: as many as fit in ~1 % of the model, between 32 and 128). */
  coords?: number;
  /** Frame anchor tokens (default: min(vocab, max(256, min(2·d, 4096)))). */
  anchors?: number;
  onLayer?: (done: number, total: number) => void;
}

function columnsOf(x: Float32Array, rows: number, d: number, cols: Int32Array): Float32Array {
  const k = cols.length;
  const out = new Float32Array(rows * k);
  for (let r = 0; r < rows; r++) for (let j = 0; j < k; j++) out[r * k + j] = x[r * d + (cols[j] as number)] as number;
  return out;
}

/** Normalised embedding rows of the descriptor characters (zero rows where absent). */
function descriptorBasis(m: CanonicalModel, ids: Int32Array, d: number): Float32Array {
  const out = new Float32Array(ids.length * d);
  const e = m.tensors.get("embed");
  if (!e || e.cols !== d) return out;
  ids.forEach((id, c) => {
    if (id < 0 || id >= e.rows) return;
    const row = e.readRows(id, 1);
    let s = 0;
    for (let j = 0; j < d; j++) s += (row[j] as number) ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < d; j++) out[c * d + j] = (row[j] as number) * inv;
  });
  return out;
}

function defaultCoords(m: CanonicalModel, d: number): number {
  const p = m.params;
  // bytes per sketch coordinate over all layers: gate + up + q + v + o rows, 1 byte each
  const perCoord = p.nLayers * (2 * p.ffn * Math.max(1, p.nExperts) + p.nHeads * p.headDim * 2 + p.nKvHeads * p.headDim);
  let modelBytes = 0;
  for (const t of m.tensors.values()) modelBytes += t.size * 2;
  const budget = 0.0075 * modelBytes;
  // never more than half of each vector (so no row can be rebuilt), as many as the 1 % budget allows,
  // and enough for unit tests to keep their power in narrow models
  return Math.min(Math.floor(d / 2), Math.max(128, Math.min(256, Math.floor(budget / Math.max(1, perCoord)))));
}

/** Units kept at full width per layer. */
export const FULL_SAMPLE = 64;

function mlpPrint(set: UnitSet, coords: Int32Array, layer: number): MlpPrint {
  const m = Math.min(FULL_SAMPLE, set.n, Math.max(16, Math.floor(set.n / 16)));
  const sample = m === set.n ? Int32Array.from({ length: m }, (_, i) => i) : new Rng(0xf00d + layer).permutation(set.n).slice(0, m).sort();
  return {
    units: set.n,
    views: set.views,
    combine: set.combine,
    coords: set.data.map((x) => toSketch(columnsOf(x, set.n, set.d, coords), set.n, coords.length)),
    sample,
    full: set.data.map((x) => toSketch(Float32Array.from({ length: m * set.d }, (_, i) => x[(sample[Math.floor(i / set.d)] as number) * set.d + (i % set.d)] as number), m, set.d)),
  };
}

export function computeFingerprint(m: CanonicalModel, opts: FingerprintOptions = {}): Fingerprint {
  const d = residualWidth(m);
  const coords = sketchCoordinates(d, opts.coords ?? defaultCoords(m, d));
  const texts = m.tokens?.texts ?? [];
  const embed = m.tensors.get("embed");
  const head = m.tensors.get("head");
  const vocab = embed?.rows ?? head?.rows ?? 0;
  // enough anchors to fit a rotation (>= d), never more than half the vocabulary
  const k = opts.anchors ?? Math.min(Math.floor(vocab / 2), Math.max(d, Math.min(256, vocab), Math.min(2 * d, 4096)));
  const anchorIds = texts.length ? frameAnchors(texts.slice(0, vocab), k) : Int32Array.from({ length: Math.min(k, vocab) }, (_, i) => i);
  const anchorTexts = texts.length ? Array.from(anchorIds, (i) => texts[i] as string) : Array.from(anchorIds, (i) => `#${i}`);
  const rowsSketch = (key: "embed" | "head"): Sketch | null => {
    const t = m.tensors.get(key);
    if (!t || t.cols !== d || anchorIds.length === 0) return null;
    const x = readSomeRows(t, anchorIds);
    const g = key === "head" ? m.tensors.get("final_norm") : undefined;
    if (g && g.shape.length === 1 && g.cols === d) {
      const gain = g.read();
      for (let r = 0; r < anchorIds.length; r++) for (let j = 0; j < d; j++) x[r * d + j] = (x[r * d + j] as number) * (gain[j] as number);
    }
    return toSketch(x, anchorIds.length, d);
  };
  const charIds = descriptorAnchors(texts.length ? texts : []);
  const basis = descriptorBasis(m, charIds, d);
  const index = new IndexKeyBuilder();
  const perLayer = unitsPerLayer(m.params.nLayers);
  const layers: LayerPrint[] = [];
  for (let l = 0; l < m.params.nLayers; l++) {
    const mlpSet = readUnits(m, l, "mlp", undefined, false);
    const mlp = mlpSet && mlpSet.d === d ? mlpPrint(mlpSet, coords, l) : null;
    if (mlpSet && mlp) {
      // index codes of the most prominent units
      const gate = mlpSet.data[0] as Float32Array;
      const top = topRows(rowNorms(gate, mlpSet.n, d), perLayer);
      const desc = cosines(gate, mlpSet.n, basis, charIds.length, d);
      const dMean = columnMeans(desc, mlpSet.n, charIds.length);
      const c64 = columnsOf(gate, mlpSet.n, d, coords.slice(0, 64));
      const cMean = columnMeans(c64, mlpSet.n, Math.min(64, coords.length));
      for (const r of top) {
        index.add(0, l, signCode(desc, r, charIds.length, charIds.length, dMean));
        index.add(1, l, signCode(c64, r, Math.min(64, coords.length), Math.min(64, coords.length), cMean));
      }
    }
    const part = (kind: "attn.q" | "attn.v"): Sketch | null => {
      const s = readUnits(m, l, kind, undefined, false);
      return s && s.d === d ? toSketch(columnsOf(s.data[0] as Float32Array, s.n, d, coords), s.n, coords.length) : null;
    };
    const o = m.tensors.get(`layers.${l}.attn.o`);
    let oSketch: Sketch | null = null;
    if (o && o.rows === d) {
      const rows = readSomeRows(o, coords); // k x (H·hd): columns restricted to the sketch coordinates
      const cols = o.cols;
      const t = new Float32Array(cols * coords.length);
      for (let i = 0; i < coords.length; i++) for (let j = 0; j < cols; j++) t[j * coords.length + i] = rows[i * cols + j] as number;
      oSketch = toSketch(t, cols, coords.length);
    }
    layers.push({ layer: l, mlp, q: part("attn.q"), v: part("attn.v"), o: oSketch });
    opts.onLayer?.(l + 1, m.params.nLayers);
  }
  let parameters = 0;
  for (const t of m.tensors.values()) parameters += t.size;
  const files = m.files.map(inputDigest);
  const st = storedTypes(m);
  return {
    version: FINGERPRINT_VERSION,
    summary: {
      path: m.path, format: m.format, architecture: m.architecture, params: { ...m.params }, parameters, dtypes: st.fractions, quantized: st.quantized,
      declared: m.declared, tokenizer: m.tokens ? { kind: m.tokens.kind, size: m.tokens.tokens.length } : null, files,
      modelBytes: files.reduce((s, f) => s + f.bytes, 0),
    },
    coords,
    anchors: { texts: anchorTexts, embed: rowsSketch("embed"), head: rowsSketch("head") },
    descriptorMask: Uint8Array.from(charIds, (i) => (i >= 0 ? 1 : 0)),
    layers,
    index: index.build(),
  };
}
