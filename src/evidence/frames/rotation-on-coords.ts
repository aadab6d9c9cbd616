/**
 * @module evidence/frames/rotation-on-coords
 * The rotation frame for wide residual streams, where a d x d Procrustes (an SVD costing ~d³ per
 * sweep) is out of reach: only the rows of R for s of A's coordinates are estimated, and every unit
 * test in this frame compares on those s coordinates (the sketch the layer-map probes already use).
 *
 * From k >= d shared tokens' embedding rows (each normalised), A's coordinate c is regressed on all
 * of B's coordinates: t_c = (X_Bᵀ·X_B + λI)⁻¹·X_Bᵀ·X_A[:, c] — for an exact rotation E_B = E_A·R this is
 * row c of R, exactly. The s rows are then made orthonormal with the least change (polar factor), so
 * that under the null the frame is an isometric projection and cosines keep their usual spread.
 * Cost: the Gram matrix k·d²/2 multiply-adds, its Cholesky factor d³/6 and s right-hand sides d²·s,
 * the bulk in the WebAssembly kernel: seconds at d = 4096, where the full SVD in JS takes hours.
 * As with the full rotation, the embeddings fitted the frame, so they are not evidence in it.
 */
import type { CanonicalModel } from "../../model/canonical.js";
import { orthonormalRows } from "../../numeric/linalg.js";
import { Rng } from "../../numeric/rng.js";
import { solveSpd } from "../../numeric/spd-solve.js";
import { dotsWasm } from "../../numeric/wasm/dots.js";
import type { Frame } from "../frame.js";
import { normalizeRows } from "../similarity.js";
import type { TokenPairs } from "../token-pairs.js";
import { readSomeRows } from "../unit-views.js";

/**
 * Tokens used: 4 per residual dimension up to 8192 tokens, at least 2 per dimension (rare tokens'
 * rows are nearly alike: fewer tokens can leave the fit short of rank).
 */
function tokensFor(d: number): number {
  return Math.max(2 * d, Math.min(4 * d, 8192));
}
/** Ridge, relative to the mean eigenvalue of the Gram matrix: keeps the solve stable in float32 sums. */
const RIDGE = 1e-6;
/** Rows of the Gram matrix computed per kernel call (only blocks on or below the diagonal). */
const GRAM_BLOCK = 512;

export function estimateRotationOnCoords(a: CanonicalModel, b: CanonicalModel, pairs: TokenPairs, seed: number, coords: Int32Array): Frame | null {
  const ea = a.tensors.get("embed");
  const eb = b.tensors.get("embed");
  if (!ea || !eb || ea.cols !== eb.cols) return null;
  const d = ea.cols;
  if (pairs.a.length < d) return null;
  const k = Math.min(pairs.a.length, tokensFor(d));
  const rng = new Rng(seed ^ 0x407b);
  const pick = k < pairs.a.length ? rng.permutation(pairs.a.length).slice(0, k) : Int32Array.from(pairs.a.keys());
  const s = coords.length;
  // A's coordinates of interest and all of B's, as rows over tokens
  const yT = columnsOf(normalizeRows(readSomeRows(ea, Int32Array.from(pick, (i) => pairs.a[i] as number)), k, d), k, d, coords);
  const xT = columnsOf(normalizeRows(readSomeRows(eb, Int32Array.from(pick, (i) => pairs.b[i] as number)), k, d), k, d, null);
  const gram = lowerGram(xT, d, k);
  let trace = 0;
  for (let i = 0; i < d; i++) trace += gram[i * d + i] as number;
  // X_Bᵀ·X_A[:, coords] (d x s), then solved for the regression coefficients
  const cross = Float64Array.from(dotsWasm(xT, d, yT, s, k));
  const t = solveSpd(gram, d, cross, s, (RIDGE * trace) / d);
  // rows of the frame: A coordinate coords[i] as a combination of B's coordinates
  const rowsT = new Float64Array(s * d);
  for (let j = 0; j < d; j++) for (let i = 0; i < s; i++) rowsT[i * d + j] = t[j * s + i] as number;
  const q = orthonormalRows({ rows: s, cols: d, data: rowsT });
  return { kind: "rotation", dim: d, rotation: q.data, coords, support: 1, source: `least squares on ${k} shared tokens' embeddings, onto ${s} of A's ${d} coordinates` };
}

/** Columns of a k x d row block (all, or those listed) as rows of length k. */
export function columnsOf(x: Float32Array, k: number, d: number, cols: Int32Array | null): Float32Array {
  const n = cols ? cols.length : d;
  const out = new Float32Array(n * k);
  for (let r = 0; r < k; r++) {
    const o = r * d;
    for (let c = 0; c < n; c++) out[c * k + r] = x[o + (cols ? (cols[c] as number) : c)] as number;
  }
  return out;
}

/** X·Xᵀ for X (n rows of length k), lower triangle filled (what `solveSpd` reads), in float64. */
export function lowerGram(x: Float32Array, n: number, k: number): Float64Array {
  const g = new Float64Array(n * n);
  for (let i0 = 0; i0 < n; i0 += GRAM_BLOCK) {
    const rows = Math.min(GRAM_BLOCK, n - i0);
    // this block of rows against every row up to its end
    const width = i0 + rows;
    const part = dotsWasm(x.subarray(i0 * k, width * k), rows, x.subarray(0, width * k), width, k);
    for (let r = 0; r < rows; r++) {
      const i = i0 + r;
      for (let j = 0; j <= i; j++) g[i * n + j] = part[r * width + j] as number;
    }
  }
  return g;
}
