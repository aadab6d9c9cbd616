/**
 * @module fingerprint/layer-pass
 * One streaming pass over a layer's MLP input rows (gate and up, every expert) in chunks through a
 * reused buffer, keeping only what a fingerprint needs of them: each unit's norm, its rows at the
 * kept coordinates, and — for index layers — its products with the descriptor basis and its values
 * at the code coordinates. A 7B layer is read at streaming speed instead of being materialised
 * (two 180 MB float32 matrices per layer).
 */
import { cosines } from "../evidence/similarity.js";
import { mlpParts, mlpNormGain, residualWidth } from "../evidence/unit-views.js";
import type { Combine } from "../evidence/unit-views.js";
import type { CanonicalModel } from "../model/canonical.js";
import type { CanonicalTensor } from "../model/canonical-tensor.js";

export interface IndexInputs {
  /** Normalised descriptor rows (chars x d). */
  basis: Float32Array;
  chars: number;
  codeCoords: Int32Array;
}

export interface LayerPass {
  n: number;
  views: string[];
  combine: Combine;
  /** Norm of each unit's first view (gain folded). */
  norms: Float64Array;
  /** Per view: every unit's row at the kept coordinates (n x coords). */
  atCoords: Float32Array[];
  /** Index layers: first view · descriptor basis (n x chars) and values at the code coordinates (n x 64). */
  desc?: Float32Array;
  codes?: Float32Array;
}

const CHUNK_BYTES = 4 << 20;

/** ‖x_r ∘ gain‖ for each row, without writing the folded rows (gain2 = gain²). */
function foldedNorms(x: Float32Array, rows: number, d: number, gain2: Float64Array | null, out: Float64Array, at: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    let s = 0;
    if (gain2) for (let j = 0; j < d; j++) s += (x[o + j] as number) ** 2 * (gain2[j] as number);
    else for (let j = 0; j < d; j++) s += (x[o + j] as number) ** 2;
    out[at + r] = Math.sqrt(s);
  }
}

/** Rows at `cols`, gain folded (out is n x cols). */
function gather(x: Float32Array, rows: number, d: number, cols: Int32Array, g: Float32Array, out: Float32Array, at: number): void {
  const k = cols.length;
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    const w = (at + r) * k;
    for (let i = 0; i < k; i++) out[w + i] = (x[o + (cols[i] as number)] as number) * (g[i] as number);
  }
}

export function layerPass(m: CanonicalModel, l: number, coords: Int32Array, index: IndexInputs | null): LayerPass | null {
  const d = residualWidth(m);
  const parts = mlpParts(m, l);
  if (parts.length === 0 || parts.some((p) => p.up.cols !== d || p.down.rows !== d)) return null;
  const gain = mlpNormGain(m, l);
  const gated = parts.every((p) => p.gate);
  const n = parts.reduce((s, p) => s + p.up.rows, 0);
  const views = gated ? ["gate", "up"] : ["up"];
  const w = coords.length;
  const norms = new Float64Array(n);
  const atCoords = views.map(() => new Float32Array(n * w));
  const desc = index ? new Float32Array(n * index.chars) : undefined;
  const codes = index ? new Float32Array(n * index.codeCoords.length) : undefined;
  const chunk = Math.max(1, Math.floor(CHUNK_BYTES / 4 / d));
  // the norm's gain is folded into what each row meets (coordinates, basis, squares), never into the rows
  const gainAt = (cols: Int32Array) => Float32Array.from(cols, (j) => (gain ? (gain[j] as number) : 1));
  const gCoords = gainAt(coords);
  const gCodes = index ? gainAt(index.codeCoords) : null;
  const gain2 = gain ? Float64Array.from(gain, (g) => g * g) : null;
  const basis = index ? (gain ? index.basis.map((b, i) => b * (gain[i % d] as number)) : index.basis) : null;
  const buf = new Float32Array(chunk * d);
  let base = 0;
  for (const p of parts) {
    const tensors: CanonicalTensor[] = gated ? [p.gate as CanonicalTensor, p.up] : [p.up];
    tensors.forEach((t, v) => {
      for (let r0 = 0; r0 < t.rows; r0 += chunk) {
        const rows = Math.min(chunk, t.rows - r0);
        const x = t.readRowsInto(r0, rows, buf);
        gather(x, rows, d, coords, gCoords, atCoords[v] as Float32Array, base + r0);
        if (v !== 0) continue;
        foldedNorms(x, rows, d, gain2, norms, base + r0);
        if (index && desc && codes && basis && gCodes) {
          desc.set(cosines(x, rows, basis, index.chars, d), (base + r0) * index.chars);
          gather(x, rows, d, index.codeCoords, gCodes, codes, base + r0);
        }
      }
    });
    base += p.up.rows;
  }
  return { n, views, combine: gated ? "gated" : "plain", norms, atCoords, desc, codes };
}
