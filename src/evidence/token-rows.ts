/**
 * @module evidence/token-rows
 * Token-indexed matrices — the embedding and the output head — compared row by row for the same
 * token (paired by string), in A's frame. Each token's similarity is tested against the spread of
 * similarities between different tokens, and the count of significant tokens goes through the same
 * exceedance test as units.
 */
import type { CanonicalModel } from "../model/canonical.js";
import { logNormalSf } from "../numeric/stats.js";
import { Rng } from "../numeric/rng.js";
import { exceedanceTest, TOKEN_LEVEL, type ExceedanceResult, type UnitMatch } from "./exceedance.js";
import { toFrameA, widthB, type Frame } from "./frame.js";
import { nullScale } from "./null-scale.js";
import { cosineAt, normalizeRows, selectColumns } from "./similarity.js";
import type { TokenPairs } from "./token-pairs.js";
import { readSomeRows } from "./unit-views.js";

export interface TokenTestResult extends ExceedanceResult {
  component: "embed" | "head";
  /** Mean cosine over the tested tokens, and over the matched ones. */
  meanCos: number;
  matchedCos: number;
  scale: number;
}

function rowsOf(m: CanonicalModel, which: "embed" | "head", ids: Int32Array, fold: boolean): Float32Array | null {
  const t = m.tensors.get(which);
  if (!t) return null;
  const x = readSomeRows(t, ids);
  const g = which === "head" && fold ? m.tensors.get("final_norm") : undefined;
  if (g && g.shape.length === 1 && g.cols === t.cols) {
    const gain = g.read();
    for (let r = 0; r < ids.length; r++) for (let j = 0; j < t.cols; j++) x[r * t.cols + j] = (x[r * t.cols + j] as number) * (gain[j] as number);
  }
  return x;
}

/**
 * The top `k` principal directions of the rows of x (rows x d): block power iteration on XᵀX,
 * computed through X only (no d x d matrix).
 */
function principalDirections(x: Float32Array, rows: number, d: number, k: number, rng: Rng): Float64Array[] {
  const vs: Float64Array[] = [];
  for (let c = 0; c < Math.min(k, d, rows); c++) {
    let v = Float64Array.from({ length: d }, () => rng.normal());
    for (let it = 0; it < 40; it++) {
      const xv = new Float64Array(rows);
      for (let r = 0; r < rows; r++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += (x[r * d + j] as number) * (v[j] as number);
        xv[r] = s;
      }
      const next = new Float64Array(d);
      for (let r = 0; r < rows; r++) for (let j = 0; j < d; j++) next[j] = (next[j] as number) + (x[r * d + j] as number) * (xv[r] as number);
      for (const u of vs) {
        let dot = 0;
        for (let j = 0; j < d; j++) dot += (next[j] as number) * (u[j] as number);
        for (let j = 0; j < d; j++) next[j] = (next[j] as number) - dot * (u[j] as number);
      }
      let norm = 0;
      for (let j = 0; j < d; j++) norm += (next[j] as number) ** 2;
      norm = Math.sqrt(norm);
      if (!(norm > 0)) break;
      v = next.map((y) => y / norm);
    }
    vs.push(v);
  }
  return vs;
}

/** Remove the components of every row along the given orthonormal directions. */
function projectOut(x: Float32Array, rows: number, d: number, dirs: Float64Array[]): Float32Array {
  for (let r = 0; r < rows; r++) {
    for (const u of dirs) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += (x[r * d + j] as number) * (u[j] as number);
      for (let j = 0; j < d; j++) x[r * d + j] = (x[r * d + j] as number) - dot * (u[j] as number);
    }
  }
  return x;
}

/** Subtract the mean row. */
function centerRows(x: Float32Array, rows: number, d: number): Float32Array {
  const mean = new Float64Array(d);
  for (let r = 0; r < rows; r++) for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (x[r * d + j] as number) / rows;
  const out = new Float32Array(rows * d);
  for (let r = 0; r < rows; r++) for (let j = 0; j < d; j++) out[r * d + j] = (x[r * d + j] as number) - (mean[j] as number);
  return out;
}

/** Dominant directions removed from token rows before comparing (the rare-vs-frequent axis and its kin). */
const COMMON_DIRECTIONS = 4;

/**
 * Test token rows `which` over the pairs listed in `use` (indices into `pairs`). The head is tested
 * both as stored and with the final norm gain folded in (a gain-folding obfuscation), counting both.
 */
export function tokenRowTest(a: CanonicalModel, b: CanonicalModel, which: "embed" | "head", pairs: TokenPairs, use: Int32Array, frame: Frame, seed: number, sample = 256): TokenTestResult | null {
  const plain = tokenRowTestOnce(a, b, which, pairs, use, frame, seed, sample, false);
  if (which === "embed") return plain;
  const folded = tokenRowTestOnce(a, b, which, pairs, use, frame, seed, sample, true);
  const best = !plain || (folded && folded.logP < plain.logP) ? folded : plain;
  return best ? { ...best, logP: Math.min(0, best.logP + Math.log(2)) } : null;
}

function tokenRowTestOnce(a: CanonicalModel, b: CanonicalModel, which: "embed" | "head", pairs: TokenPairs, use: Int32Array, frame: Frame, seed: number, sample: number, fold: boolean): TokenTestResult | null {
  const ta = a.tensors.get(which);
  const tb = b.tensors.get(which);
  if (!ta || !tb || ta.cols !== frame.dim || tb.cols !== widthB(frame) || use.length < 8) return null;
  const rng = new Rng(seed ^ (which === "embed" ? 0xe1 : 0xe2));
  const pick = use.length > sample ? rng.permutation(use.length).slice(0, sample) : Int32Array.from(use.keys());
  const idx = Int32Array.from(pick, (k) => use[k] as number);
  const ia = Int32Array.from(idx, (k) => pairs.a[k] as number);
  const ib = Int32Array.from(idx, (k) => pairs.b[k] as number);
  const m = idx.length;
  const ra = rowsOf(a, which, ia, fold);
  const rb = rowsOf(b, which, ib, fold);
  if (!ra || !rb) return null;
  // a frame onto some of A's coordinates compares there
  const onCoords = (x: Float32Array) => (frame.coords ? selectColumns(x, m, frame.dim, frame.coords) : x);
  const xa = onCoords(ra);
  const xb = onCoords(toFrameA(frame, rb, m));
  const d = frame.coords?.length ?? frame.dim;
  // Token matrices share a strong common direction (the mean row): remove it, or every pair of
  // different tokens looks alike and nothing can be told apart.
  const ca = centerRows(xa, m, d);
  const cb = centerRows(xb, m, d);
  const dirs = principalDirections(ca, m, d, COMMON_DIRECTIONS, rng);
  const ua = normalizeRows(projectOut(ca, m, d, dirs), m, d);
  const ub = normalizeRows(projectOut(cb, m, d, dirs), m, d);
  // spread of cosines between different tokens
  const scale = nullScale((i, j) => (i === j ? cosineAt(ub, i, ua, (j + 1) % m, d) : cosineAt(ub, i, ua, j, d)), m, m, d, rng, 4096);
  const units: UnitMatch[] = [];
  let sum = 0;
  for (let i = 0; i < m; i++) {
    const c = cosineAt(ub, i, ua, i, d);
    sum += c;
    units.push({ b: ib[i] as number, a: ia[i] as number, score: c, logP: Math.min(0, logNormalSf(c / scale)) });
  }
  const ex = exceedanceTest(units, TOKEN_LEVEL);
  const matchedCos = ex.matches.length ? ex.matches.reduce((s, u) => s + u.score, 0) / ex.matches.length : 0;
  return { ...ex, component: which, meanCos: sum / m, matchedCos, scale };
}
