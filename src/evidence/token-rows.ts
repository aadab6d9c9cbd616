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
import { exceedanceTest, type ExceedanceResult, type UnitMatch } from "./exceedance.js";
import { toFrameA, type Frame } from "./frame.js";
import { nullScale } from "./null-scale.js";
import { cosineAt, normalizeRows } from "./similarity.js";
import type { TokenPairs } from "./token-pairs.js";
import { readSomeRows } from "./unit-views.js";

export interface TokenTestResult extends ExceedanceResult {
  component: "embed" | "head";
  /** Mean cosine over the tested tokens, and over the matched ones. */
  meanCos: number;
  matchedCos: number;
  scale: number;
}

function rowsOf(m: CanonicalModel, which: "embed" | "head", ids: Int32Array): Float32Array | null {
  const t = m.tensors.get(which);
  if (!t) return null;
  const x = readSomeRows(t, ids);
  const g = which === "head" ? m.tensors.get("final_norm") : undefined;
  if (g && g.shape.length === 1 && g.cols === t.cols) {
    const gain = g.read();
    for (let r = 0; r < ids.length; r++) for (let j = 0; j < t.cols; j++) x[r * t.cols + j] = (x[r * t.cols + j] as number) * (gain[j] as number);
  }
  return x;
}

/** Test token rows `which` over the pairs listed in `use` (indices into `pairs`). */
export function tokenRowTest(a: CanonicalModel, b: CanonicalModel, which: "embed" | "head", pairs: TokenPairs, use: Int32Array, frame: Frame, seed: number, sample = 256): TokenTestResult | null {
  const ta = a.tensors.get(which);
  const tb = b.tensors.get(which);
  if (!ta || !tb || ta.cols !== frame.dim || tb.cols !== frame.dim || use.length < 8) return null;
  const rng = new Rng(seed ^ (which === "embed" ? 0xe1 : 0xe2));
  const pick = use.length > sample ? rng.permutation(use.length).slice(0, sample) : Int32Array.from(use.keys());
  const idx = Int32Array.from(pick, (k) => use[k] as number);
  const ia = Int32Array.from(idx, (k) => pairs.a[k] as number);
  const ib = Int32Array.from(idx, (k) => pairs.b[k] as number);
  const m = idx.length;
  const d = frame.dim;
  const xa = rowsOf(a, which, ia);
  const xb = rowsOf(b, which, ib);
  if (!xa || !xb) return null;
  const ua = normalizeRows(xa, m, d);
  const ub = normalizeRows(toFrameA(frame, xb, m), m, d);
  // spread of cosines between different tokens
  const scale = nullScale((i, j) => (i === j ? cosineAt(ub, i, ua, (j + 1) % m, d) : cosineAt(ub, i, ua, j, d)), m, m, d, rng, 4096);
  const units: UnitMatch[] = [];
  let sum = 0;
  for (let i = 0; i < m; i++) {
    const c = cosineAt(ub, i, ua, i, d);
    sum += c;
    units.push({ b: ib[i] as number, a: ia[i] as number, score: c, logP: Math.min(0, logNormalSf(c / scale)) });
  }
  const ex = exceedanceTest(units);
  const matchedCos = ex.matches.length ? ex.matches.reduce((s, u) => s + u.score, 0) / ex.matches.length : 0;
  return { ...ex, component: which, meanCos: sum / m, matchedCos, scale };
}
