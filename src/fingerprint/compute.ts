/**
 * @module fingerprint/compute
 * One streaming pass over a model -> its fingerprint. Layers are read one at a time; only the kept
 * rows of each are held.
 */
import { storedTypes } from "../verdict/transforms/quantization.js";
import { readSomeRows, readUnits, residualWidth } from "../evidence/unit-views.js";
import { layerPass, type LayerPass } from "./layer-pass.js";
import type { CanonicalModel } from "../model/canonical.js";
import { inputDigest, type InputDigest } from "../io/input-digest.js";
import { tokenTexts } from "./token-texts.js";
import { descriptorAnchors, frameAnchors, sketchCoordinates } from "./anchors.js";
import { anchorBasis, describeRows, DESCRIPTOR_ANCHORS, distinctAnchors } from "./descriptors.js";
import { columnMeans, IndexKeyBuilder, signCode, topRows } from "./index-key.js";
import { toSketch } from "./sketch.js";
import { FINGERPRINT_VERSION, type Fingerprint, type LayerPrint, type MlpPrint } from "./types.js";

export interface FingerprintOptions {
  /** Byte budget for anchors and unit rows (default: 1 % of the model, within [64 KB, 128 KB]). */
  budget?: number;
  onLayer?: (done: number, total: number) => void;
  /** Keep descriptors over anchors ("anchors") or whole rows ("rows") whatever the width (default: by width; for calibration and tests). */
  space?: "rows" | "anchors";
  /** The weight files' identities when they are not local files (a hub's, see hub/): default, read from `m.files`. */
  files?: InputDigest[];
}

/** Layers and units per layer that carry index codes. */
const INDEX_LAYERS = 8;
const INDEX_UNITS = 32;
/** Units kept per layer: at least this many. */
const MIN_KEPT = 12;

function columnsOf(x: Float32Array, rows: number, d: number, cols: Int32Array): Float32Array {
  const k = cols.length;
  const out = new Float32Array(rows * k);
  for (let r = 0; r < rows; r++) for (let j = 0; j < k; j++) out[r * k + j] = x[r * d + (cols[j] as number)] as number;
  return out;
}

function rowsOf(x: Float32Array, d: number, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length * d);
  rows.forEach((r, i) => out.set(x.subarray(r * d, (r + 1) * d), i * d));
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

export interface Layout {
  budget: number;
  space: "rows" | "anchors";
  /** Coordinates of kept unit rows: 0..d-1 (whole rows), none for descriptors. */
  coords: Int32Array;
  /** Width of kept unit rows: d, or the number of anchors. */
  width: number;
  keptPerLayer: number;
  fixedPerLayer: number;
  /** Anchor tokens (whole embedding rows kept for "rows"; only texts for "anchors"). */
  anchors: number;
}

/** Residual widths up to this keep whole unit rows; wider models keep descriptors over anchor tokens. */
export const WHOLE_ROWS_UP_TO = 512;
/** Fixed-index units per layer (lineage distances, merges): fewer for wide models, whose rows cost more in total. */
const FIXED_UNITS = 16;
const FIXED_UNITS_WIDE = 4;
/** Kept units per layer of wide models, at least (deep ones spread their budget thin; the pooled layer test adds them up). */
const MIN_KEPT_WIDE = 2;
/** What a wide fingerprint spends besides rows: index key, anchor texts, summary, part headers. */
const WIDE_OVERHEAD = 16 << 10;

/**
 * How a budget is spent. Narrow models keep whole rows, and give anchors what fitting a rotation
 * needs (at most half the budget). Wide ones keep each unit's descriptors over DESCRIPTOR_ANCHORS
 * anchor tokens (frame-free, any width) and no embedding rows. Unit rows get the rest.
 */
export function layout(d: number, layers: number, units: number, views: number, vocab: number, budget: number, space?: "rows" | "anchors"): Layout {
  if (space === "rows" || (space === undefined && d <= WHOLE_ROWS_UP_TO)) {
    const coords = Int32Array.from({ length: d }, (_, i) => i);
    const perUnit = Math.max(1, layers) * views * (d + 4);
    const anchors = Math.max(0, Math.min(Math.floor(vocab / 2), Math.floor(budget / 2 / (d + 4)), Math.max(d + 32, Math.floor(budget / 4 / (d + 4)))));
    const unitBytes = budget - anchors * (d + 4);
    return { budget, space: "rows", coords, width: d, keptPerLayer: Math.max(MIN_KEPT, Math.min(units, Math.floor(unitBytes / perUnit))), fixedPerLayer: Math.min(FIXED_UNITS, units), anchors };
  }
  const anchors = Math.min(Math.floor(vocab / 2), DESCRIPTOR_ANCHORS);
  const perUnit = Math.max(1, layers) * views * (anchors + 4);
  const unitBytes = budget - WIDE_OVERHEAD;
  const rowsPerLayer = Math.max(MIN_KEPT_WIDE + 1, Math.floor(unitBytes / perUnit));
  const fixedPerLayer = Math.min(FIXED_UNITS_WIDE, units, Math.max(1, Math.floor(rowsPerLayer / 3)));
  return { budget, space: "anchors", coords: new Int32Array(0), width: anchors, keptPerLayer: Math.min(units, Math.max(MIN_KEPT_WIDE, rowsPerLayer - fixedPerLayer)), fixedPerLayer, anchors };
}

function mlpPrint(pass: LayerPass, w: number, kept: number, fixedUnits: number): MlpPrint {
  const keep = Int32Array.from(topRows(pass.norms, Math.min(kept, pass.n))).sort();
  const fixed = sketchCoordinates(pass.n, Math.min(fixedUnits, pass.n));
  const sketch = (x: Float32Array, which: Int32Array) => toSketch(rowsOf(x, w, which), which.length, w);
  return {
    units: pass.n, views: pass.views, combine: pass.combine, kept: keep, rows: pass.atCoords.map((x) => sketch(x, keep)),
    fixed, fixedRows: pass.atCoords.map((x) => sketch(x, fixed)),
  };
}

/** A wide layer's print: the kept and fixed units read again (a few rows) and described over the anchors. */
function describedPrint(m: CanonicalModel, l: number, pass: LayerPass, basis: Float32Array, k: number, kept: number, fixedUnits: number): MlpPrint | null {
  const d = residualWidth(m);
  const keep = Int32Array.from(topRows(pass.norms, Math.min(kept, pass.n))).sort();
  const fixed = sketchCoordinates(pass.n, Math.min(fixedUnits, pass.n));
  const sketches = (ids: Int32Array) => {
    const set = readUnits(m, l, "mlp", ids, false);
    if (!set || set.d !== d) return null;
    return set.data.map((x) => toSketch(describeRows(x, ids.length, basis, k, d), ids.length, k));
  };
  const rows = sketches(keep);
  const fixedRows = sketches(fixed);
  if (!rows || !fixedRows) return null;
  return { units: pass.n, views: pass.views, combine: pass.combine, kept: keep, rows, fixed, fixedRows };
}

export function computeFingerprint(m: CanonicalModel, opts: FingerprintOptions = {}): Fingerprint {
  const d = residualWidth(m);
  const p = m.params;
  let modelBytes = 0;
  const files = opts.files ?? m.files.map(inputDigest);
  for (const f of files) modelBytes += f.bytes;
  if (modelBytes === 0) for (const t of m.tensors.values()) modelBytes += 2 * t.size;
  const budget = opts.budget ?? Math.min(160 << 10, Math.max(64 << 10, Math.floor(0.01 * modelBytes)));
  const texts = tokenTexts(m);
  const embed = m.tensors.get("embed");
  const vocab = embed?.rows ?? 0;
  const views = p.block === "gpt2" ? 1 : 2;
  const plan = layout(d, p.nLayers, p.ffn * Math.max(1, p.nExperts), views, texts.length ? vocab : 0, budget, opts.space);
  const anchorIds = !texts.length || !embed ? new Int32Array(0)
    : plan.space === "anchors" ? distinctAnchors(m, frameAnchors(texts.slice(0, vocab), vocab), plan.anchors)
    : frameAnchors(texts.slice(0, vocab), plan.anchors);
  const anchorTexts = Array.from(anchorIds, (i) => texts[i] as string);
  const described = plan.space === "anchors";
  const anchorRows = embed && embed.cols === d && anchorIds.length && !described ? toSketch(readSomeRows(embed, anchorIds), anchorIds.length, d) : null;
  const anchorSpace = described ? anchorBasis(m, anchorIds) : null;

  const codeCoords = sketchCoordinates(d, 64);
  const charIds = descriptorAnchors(m.tokens?.texts ?? []);
  const basis = descriptorBasis(m, charIds, d);
  const index = new IndexKeyBuilder();
  const indexLayers = new Set(Array.from({ length: Math.min(INDEX_LAYERS, p.nLayers) }, (_, i) => Math.round(((i + 0.5) * p.nLayers) / Math.min(INDEX_LAYERS, p.nLayers) - 0.5)));
  // embedding codes (kind 2): the first anchors' rows on the code coordinates, the files' own basis
  if (embed && embed.cols === d && anchorIds.length) {
    const k = Math.min(INDEX_UNITS, anchorIds.length);
    const rows = columnsOf(readSomeRows(embed as NonNullable<typeof embed>, anchorIds.slice(0, k)), k, d, codeCoords);
    const mean = columnMeans(rows, k, codeCoords.length);
    for (let r = 0; r < k; r++) index.add(2, 0, signCode(rows, r, codeCoords.length, codeCoords.length, mean));
  }
  const layers: LayerPrint[] = [];
  for (let l = 0; l < p.nLayers; l++) {
    const isIndex = indexLayers.has(l);
    const pass = layerPass(m, l, plan.coords, isIndex ? { basis, chars: charIds.length, codeCoords } : null);
    const mlp = !pass ? null : anchorSpace ? describedPrint(m, l, pass, anchorSpace, anchorIds.length, plan.keptPerLayer, plan.fixedPerLayer) : mlpPrint(pass, plan.width, plan.keptPerLayer, plan.fixedPerLayer);
    if (pass && isIndex && pass.desc && pass.codes) {
      const top = topRows(pass.norms, INDEX_UNITS);
      const dMean = columnMeans(pass.desc, pass.n, charIds.length);
      const cMean = columnMeans(pass.codes, pass.n, codeCoords.length);
      for (const r of top) {
        index.add(0, l, signCode(pass.desc, r, charIds.length, charIds.length, dMean));
        index.add(1, l, signCode(pass.codes, r, codeCoords.length, codeCoords.length, cMean));
      }
    }
    layers.push({ layer: l, mlp });
    opts.onLayer?.(l + 1, p.nLayers);
  }
  let parameters = 0;
  for (const t of m.tensors.values()) parameters += t.size;
  const st = storedTypes(m);
  return {
    version: FINGERPRINT_VERSION,
    summary: {
      path: m.path, format: m.format, architecture: m.architecture, params: { ...p }, parameters, dtypes: st.fractions, quantized: st.quantized,
      declared: m.declared, tokenizer: m.tokens ? { kind: m.tokens.kind, size: m.tokens.tokens.length } : null, files, modelBytes,
    },
    dim: d,
    space: plan.space,
    coords: plan.coords,
    anchors: { texts: anchorTexts, embed: anchorRows },
    layers,
    index: index.build(),
  };
}
