/**
 * @module fingerprint/compute
 * One streaming pass over a model -> its fingerprint. Layers are read one at a time; only the kept
 * rows of each are held.
 */
import { storedTypes } from "../verdict/transforms/quantization.js";
import { readSomeRows, residualWidth } from "../evidence/unit-views.js";
import { layerPass, type LayerPass } from "./layer-pass.js";
import type { CanonicalModel } from "../model/canonical.js";
import { inputDigest } from "../io/input-digest.js";
import { tokenTexts } from "./token-texts.js";
import { descriptorAnchors, frameAnchors, sketchCoordinates } from "./anchors.js";
import { columnMeans, IndexKeyBuilder, signCode, topRows } from "./index-key.js";
import { toSketch } from "./sketch.js";
import { FINGERPRINT_VERSION, type Fingerprint, type LayerPrint, type MlpPrint } from "./types.js";

export interface FingerprintOptions {
  /** Byte budget for anchors and unit rows (default: 1 % of the model, within [64 KB, 128 KB]). */
  budget?: number;
  onLayer?: (done: number, total: number) => void;
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
  /** Width of kept unit rows: d (whole) or the sketch coordinates. */
  coords: Int32Array;
  keptPerLayer: number;
  fixedPerLayer: number;
  /** Anchor tokens; their rows are whole when unit rows are, else at the kept coordinates. */
  anchors: number;
}

/** Residual widths up to this keep whole unit rows; wider models keep SKETCH_COORDS hash-chosen coordinates. */
export const WHOLE_ROWS_UP_TO = 512;
export const SKETCH_COORDS = 128;
/** Anchor tokens of wide models: enough for each kept coordinate's column to single out its source dimension. */
const COORD_ANCHORS = 128;
/** Fixed-index units per layer (lineage distances, merges): fewer for wide models, whose rows cost more in total. */
const FIXED_UNITS = 16;
const FIXED_UNITS_WIDE = 4;
/** Kept units per layer of wide models, at least (deep ones spread their budget thin; the pooled layer test adds them up). */
const MIN_KEPT_WIDE = 2;
/** What a wide fingerprint spends besides rows: index key, anchor texts, summary, part headers. */
const WIDE_OVERHEAD = 12 << 10;

/**
 * How a budget is spent. The row width depends on the residual width alone, so that any two
 * fingerprints of equally wide models line up. Whole-row fingerprints give anchors what fitting a
 * rotation needs (at most half the budget); wide ones keep COORD_ANCHORS anchor rows at the kept
 * coordinates (a residual permutation can be found against a live model from them). Unit rows get
 * the rest.
 */
export function layout(d: number, layers: number, units: number, views: number, vocab: number, budget: number): Layout {
  const whole = d <= WHOLE_ROWS_UP_TO;
  const coords = whole ? Int32Array.from({ length: d }, (_, i) => i) : sketchCoordinates(d, SKETCH_COORDS);
  const w = coords.length;
  const perUnit = Math.max(1, layers) * views * (w + 4);
  if (whole) {
    const anchors = Math.max(0, Math.min(Math.floor(vocab / 2), Math.floor(budget / 2 / (d + 4)), Math.max(d + 32, Math.floor(budget / 4 / (d + 4)))));
    const unitBytes = budget - anchors * (d + 4);
    return { budget, coords, keptPerLayer: Math.max(MIN_KEPT, Math.min(units, Math.floor(unitBytes / perUnit))), fixedPerLayer: Math.min(FIXED_UNITS, units), anchors };
  }
  const anchors = Math.min(Math.floor(vocab / 2), COORD_ANCHORS);
  const unitBytes = budget - anchors * (w + 4) - WIDE_OVERHEAD;
  const rowsPerLayer = Math.max(MIN_KEPT_WIDE + 1, Math.floor(unitBytes / perUnit));
  const fixedPerLayer = Math.min(FIXED_UNITS_WIDE, units, Math.max(1, Math.floor(rowsPerLayer / 3)));
  return { budget, coords, keptPerLayer: Math.min(units, Math.max(MIN_KEPT_WIDE, rowsPerLayer - fixedPerLayer)), fixedPerLayer, anchors };
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

export function computeFingerprint(m: CanonicalModel, opts: FingerprintOptions = {}): Fingerprint {
  const d = residualWidth(m);
  const p = m.params;
  let modelBytes = 0;
  const files = m.files.map(inputDigest);
  for (const f of files) modelBytes += f.bytes;
  if (modelBytes === 0) for (const t of m.tensors.values()) modelBytes += 2 * t.size;
  const budget = opts.budget ?? Math.min(128 << 10, Math.max(64 << 10, Math.floor(0.01 * modelBytes)));
  const texts = tokenTexts(m);
  const embed = m.tensors.get("embed");
  const vocab = embed?.rows ?? 0;
  const views = p.block === "gpt2" ? 1 : 2;
  const plan = layout(d, p.nLayers, p.ffn * Math.max(1, p.nExperts), views, texts.length ? vocab : 0, budget);
  const anchorIds = texts.length && embed ? frameAnchors(texts.slice(0, vocab), plan.anchors) : new Int32Array(0);
  const anchorTexts = Array.from(anchorIds, (i) => texts[i] as string);
  const wholeRows = plan.coords.length === d;
  const anchorRows = embed && embed.cols === d && anchorIds.length
    ? wholeRows
      ? toSketch(readSomeRows(embed, anchorIds), anchorIds.length, d)
      : toSketch(columnsOf(readSomeRows(embed, anchorIds), anchorIds.length, d, plan.coords), anchorIds.length, plan.coords.length)
    : null;

  const codeCoords = sketchCoordinates(d, 64);
  const charIds = descriptorAnchors(m.tokens?.texts ?? []);
  const basis = descriptorBasis(m, charIds, d);
  const index = new IndexKeyBuilder();
  const indexLayers = new Set(Array.from({ length: Math.min(INDEX_LAYERS, p.nLayers) }, (_, i) => Math.round(((i + 0.5) * p.nLayers) / Math.min(INDEX_LAYERS, p.nLayers) - 0.5)));
  // embedding codes (kind 2): the first anchors' rows on the code coordinates, the files' own basis
  if (anchorRows && anchorIds.length) {
    const k = Math.min(INDEX_UNITS, anchorIds.length);
    const rows = columnsOf(readSomeRows(embed as NonNullable<typeof embed>, anchorIds.slice(0, k)), k, d, codeCoords);
    const mean = columnMeans(rows, k, codeCoords.length);
    for (let r = 0; r < k; r++) index.add(2, 0, signCode(rows, r, codeCoords.length, codeCoords.length, mean));
  }
  const layers: LayerPrint[] = [];
  for (let l = 0; l < p.nLayers; l++) {
    const isIndex = indexLayers.has(l);
    const pass = layerPass(m, l, plan.coords, isIndex ? { basis, chars: charIds.length, codeCoords } : null);
    const mlp = pass ? mlpPrint(pass, plan.coords.length, plan.keptPerLayer, plan.fixedPerLayer) : null;
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
    coords: plan.coords,
    anchors: { texts: anchorTexts, embed: anchorRows },
    layers,
    index: index.build(),
  };
}
