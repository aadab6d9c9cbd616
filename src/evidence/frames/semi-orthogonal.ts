/**
 * @module evidence/frames/semi-orthogonal
 * The rotation frame between residual streams of different widths: B = a pruned copy of A whose
 * stream was then rotated (or the other way round). Some of A's coordinates are then exact linear
 * combinations of B's, the rest are not; no coordinate-to-coordinate match exists, so the partial
 * permutation finds nothing.
 *
 * As in the wide rotation frame (rotation-on-coords), each of up to 256 of A's coordinates (spread
 * evenly) is regressed on all of B's over shared tokens' embedding rows (rows normalised, then
 * every column centred: the common direction of token rows is not evidence). The fraction of a
 * coordinate's variance the fit explains, R², is ~dB/k for a coordinate unrelated to B (k tokens,
 * dB predictors: its null mean) and ~1 for a kept one; coordinates above the midpoint of the two,
 * (1 + dB/k)/2, are kept (at most dB of them, best first). Their coefficient rows, made orthonormal
 * (polar factor), map B's vectors onto them, and unit tests compare there. The embeddings fitted
 * the frame, so they are not evidence in it (token tests are skipped for rotation frames).
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
import { columnsOf, lowerGram } from "./rotation-on-coords.js";

/** Fewer kept coordinates than this and no frame. */
const MIN_COORDS = 16;
const RIDGE = 1e-6;

/** Centre each row (a column of the token block) in place. */
function centre(x: Float32Array, n: number, k: number): Float32Array {
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let r = 0; r < k; r++) m += x[i * k + r] as number;
    m /= k;
    for (let r = 0; r < k; r++) x[i * k + r] = (x[i * k + r] as number) - m;
  }
  return x;
}

/**
 * The semi-orthogonal map from B's residual stream onto some of A's `candidates` coordinates, or
 * null when too few of them are reproducible from B (or too few shared tokens: at least 1.5·dB).
 */
export function estimateSemiOrthogonal(a: CanonicalModel, b: CanonicalModel, pairs: TokenPairs, seed: number, candidates: Int32Array): Frame | null {
  const ea = a.tensors.get("embed");
  const eb = b.tensors.get("embed");
  if (!ea || !eb) return null;
  const dA = ea.cols;
  const dB = eb.cols;
  const k = Math.min(pairs.a.length, Math.max(2 * dB, Math.min(4 * dB, 8192)));
  if (k < 1.5 * dB || k < 32) return null;
  const rng = new Rng(seed ^ 0x5e31);
  const pick = k < pairs.a.length ? rng.permutation(pairs.a.length).slice(0, k) : Int32Array.from(pairs.a.keys());
  const m = candidates.length;
  const yT = centre(columnsOf(normalizeRows(readSomeRows(ea, Int32Array.from(pick, (i) => pairs.a[i] as number)), k, dA), k, dA, candidates), m, k);
  const xT = centre(columnsOf(normalizeRows(readSomeRows(eb, Int32Array.from(pick, (i) => pairs.b[i] as number)), k, dB), k, dB, null), dB, k);
  const gram = lowerGram(xT, dB, k);
  let trace = 0;
  for (let i = 0; i < dB; i++) trace += gram[i * dB + i] as number;
  const cross = Float64Array.from(dotsWasm(xT, dB, yT, m, k)); // dB x m
  const t = solveSpd(gram, dB, cross, m, (RIDGE * trace) / dB);
  const threshold = (1 + dB / k) / 2;
  const fit: Array<{ c: number; r2: number }> = [];
  for (let c = 0; c < m; c++) {
    let explained = 0;
    let total = 0;
    for (let j = 0; j < dB; j++) explained += (cross[j * m + c] as number) * (t[j * m + c] as number);
    for (let r = 0; r < k; r++) total += (yT[c * k + r] as number) ** 2;
    const r2 = total > 0 ? explained / total : 0;
    if (r2 > threshold) fit.push({ c, r2 });
  }
  const kept = fit.sort((x, y) => y.r2 - x.r2).slice(0, dB).sort((x, y) => x.c - y.c);
  if (kept.length < MIN_COORDS) return null;
  const s = kept.length;
  const rowsT = new Float64Array(s * dB);
  kept.forEach(({ c }, i) => {
    for (let j = 0; j < dB; j++) rowsT[i * dB + j] = t[j * m + c] as number;
  });
  const q = orthonormalRows({ rows: s, cols: dB, data: rowsT });
  const coords = Int32Array.from(kept, ({ c }) => candidates[c] as number);
  return {
    kind: "rotation", dim: dA, dimB: dB, rotation: q.data, coords, support: s / Math.min(m, dB),
    source: `least squares on ${k} shared tokens' embeddings: ${s} of ${m} A coordinates reproducible from B's ${dB} (R² > ${threshold.toFixed(2)})`,
  };
}
