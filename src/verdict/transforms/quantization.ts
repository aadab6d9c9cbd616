/**
 * @module verdict/transforms/quantization
 * Is a model quantized, and with which type? Stored quantized types are read off the files. For
 * weights stored as floats, the error structure tells: values that came out of a quantizer sit on
 * its grid, so quantizing them again with the same type returns them unchanged (up to the float
 * storage rounding), while any other type — or off-grid values — moves them by its usual error.
 */
import type { CanonicalModel } from "../../model/canonical.js";
import { dtypeInfo, type Dtype } from "../../model/dtype.js";
import { QUANT_KERNELS, type QuantDtype } from "../../numeric/quants/index.js";
import { Rng } from "../../numeric/rng.js";

export interface StoredTypes {
  /** Storage type -> fraction of the weight-matrix values stored that way. */
  fractions: Record<string, number>;
  /** The dominant block-quantized type, if most matrix values are quantized. */
  quantized: string | null;
}

export function storedTypes(m: CanonicalModel): StoredTypes {
  const counts = new Map<string, number>();
  let total = 0;
  for (const t of m.tensors.values()) {
    if (t.shape.length !== 2) continue;
    counts.set(t.dtype, (counts.get(t.dtype) ?? 0) + t.size);
    total += t.size;
  }
  const fractions: Record<string, number> = {};
  let quantized: string | null = null;
  let qShare = 0;
  let best = 0;
  for (const [k, v] of counts) {
    fractions[k] = v / Math.max(1, total);
    const isQuant = k.startsWith("Q") || k.startsWith("IQ") || k.startsWith("TQ") || k.startsWith("MX") || k.startsWith("NV");
    if (isQuant) {
      qShare += v / total;
      if (v > best) {
        best = v;
        quantized = k;
      }
    }
  }
  return { fractions, quantized: qShare >= 0.5 ? quantized : null };
}

/** Types tried by the grid test, finest first. */
const CANDIDATES: QuantDtype[] = ["Q8_0", "Q6_K", "Q5_K", "Q5_1", "Q5_0", "Q4_K", "Q4_1", "Q4_0", "IQ4_NL", "IQ4_XS", "Q3_K", "Q2_K", "TQ2_0", "MXFP4"];

function roundTripError(type: QuantDtype, x: Float32Array): number {
  const k = QUANT_KERNELS[type];
  if (!k.quantize) return NaN;
  const blocks = x.length / k.blockSize;
  const bytes = new Uint8Array(blocks * k.blockBytes);
  k.quantize(x, bytes, blocks);
  const y = new Float32Array(x.length);
  k.dequantize(bytes, y, blocks);
  let e = 0;
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    e += ((y[i] as number) - (x[i] as number)) ** 2;
    s += (x[i] as number) ** 2;
  }
  return s > 0 ? Math.sqrt(e / s) : 0;
}

export interface GridEvidence {
  type: QuantDtype;
  /** Round-trip error of the weights, relative to that of slightly perturbed (off-grid) weights. */
  ratio: number;
  rowsTested: number;
}

/** Find the quantizer whose grid the float-stored weights sit on, if any. */
export function gridType(m: CanonicalModel, seed = 11): GridEvidence | null {
  const rng = new Rng(seed);
  const mats = [...m.tensors.values()].filter((t) => t.shape.length === 2 && t.role !== "embed" && t.role !== "head");
  const picks = mats.length <= 4 ? mats : [0, 1, 2, 3].map((i) => mats[Math.floor(((i + 0.5) * mats.length) / 4)]).filter((t) => t !== undefined);
  let best: GridEvidence | null = null;
  for (const type of CANDIDATES) {
    const bs = dtypeInfo(type as Dtype).blockSize;
    let onGrid = 0;
    let offGrid = 0;
    let rows = 0;
    for (const t of picks) {
      if (t.cols % bs !== 0) continue;
      for (let k = 0; k < 4; k++) {
        const r = rng.int(t.rows);
        const x = t.readRows(r, 1);
        const jitter = Float32Array.from(x, (v) => v * (1 + 0.02 * (rng.uniform() - 0.5)));
        onGrid += roundTripError(type, x);
        offGrid += roundTripError(type, jitter);
        rows++;
      }
    }
    if (rows === 0 || !(offGrid > 0)) continue;
    const ratio = onGrid / offGrid;
    if (ratio < 0.25 && (!best || ratio < best.ratio)) best = { type, ratio, rowsTested: rows };
  }
  return best;
}

const expected = new Map<string, number | null>();

/**
 * The relative RMS error quantizing to `type` alone gives, measured with its own kernel on
 * bell-shaped (Gaussian) rows — what trained weight matrices look like to a block quantizer. Null
 * for types without a quantizer here. Computed once per type (a few ms).
 */
export function expectedQuantError(label: string): number | null {
  // storage labels may say more than the type ("Q8_0 (llama2.c int8, group 32)": the same grid)
  const type = label.split(/[\s(]/)[0] ?? label;
  if (expected.has(type)) return expected.get(type) as number | null;
  const k = (QUANT_KERNELS as Record<string, (typeof QUANT_KERNELS)[QuantDtype] | undefined>)[type];
  let e: number | null = null;
  if (k?.quantize) {
    const rng = new Rng(17);
    const blocks = Math.max(64, Math.ceil(16384 / k.blockSize));
    const x = Float32Array.from({ length: blocks * k.blockSize }, () => rng.normal());
    e = roundTripError(type as QuantDtype, x);
  }
  expected.set(type, e);
  return e;
}
