/**
 * @module evidence/frames/signed-permutation
 * Estimate a signed permutation of the residual stream from the embedding columns of shared tokens:
 * each residual dimension of B is a column (one value per token); its best-correlated A column is
 * where it came from, the correlation's sign its sign flip. A dimension counts as matched only when
 * its correlation passes the same per-unit test as units do.
 */
import type { CanonicalModel } from "../../model/canonical.js";
import { Rng } from "../../numeric/rng.js";
import { exceedanceTest, unitLogP, type UnitMatch } from "../exceedance.js";
import type { Frame } from "../frame.js";
import { nullScale } from "../null-scale.js";
import { cosineAt, cosines } from "../similarity.js";
import type { TokenPairs } from "../token-pairs.js";
import { readSomeRows } from "../unit-views.js";

/** Columns of a k x d row block, centred and unit-normalised, as d rows of length k. */
export function columns(x: Float32Array, k: number, d: number): Float32Array {
  const out = new Float32Array(d * k);
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let r = 0; r < k; r++) mean += x[r * d + j] as number;
    mean /= k;
    let ss = 0;
    for (let r = 0; r < k; r++) {
      const v = (x[r * d + j] as number) - mean;
      out[j * k + r] = v;
      ss += v * v;
    }
    const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    for (let r = 0; r < k; r++) out[j * k + r] = (out[j * k + r] as number) * inv;
  }
  return out;
}

export interface PermutationEstimate {
  frame: Frame;
  /** Dimensions whose correspondence passed the per-unit test. */
  matched: number;
  logP: number;
}

export function estimateSignedPermutation(a: CanonicalModel, b: CanonicalModel, pairs: TokenPairs, use: Int32Array, seed: number, maxTokens = 1024): PermutationEstimate | null {
  const ea = a.tensors.get("embed");
  const eb = b.tensors.get("embed");
  if (!ea || !eb || ea.cols !== eb.cols || use.length < 16) return null;
  const rng = new Rng(seed ^ 0x9e41);
  const pick = use.length > maxTokens ? rng.permutation(use.length).slice(0, maxTokens) : Int32Array.from(use.keys());
  const ra = readSomeRows(ea, Int32Array.from(pick, (i) => pairs.a[use[i] as number] as number));
  const rb = readSomeRows(eb, Int32Array.from(pick, (i) => pairs.b[use[i] as number] as number));
  return signedPermutationFromRows(ra, rb, pick.length, ea.cols, rng);
}

/** The signed permutation from paired token rows of A and B (k rows of width d each). */
export function signedPermutationFromRows(ra: Float32Array, rb: Float32Array, k: number, d: number, rng: Rng): PermutationEstimate | null {
  if (k < 16) return null;
  const ca = columns(ra, k, d);
  const cb = columns(rb, k, d);
  const all = cosines(cb, d, ca, d, k);
  const scale = nullScale((i, j) => cosineAt(cb, i, ca, j, k), d, d, k, rng, 4096);
  const units: UnitMatch[] = [];
  const sign = new Float32Array(d);
  for (let i = 0; i < d; i++) {
    let best = -1;
    let bj = 0;
    for (let j = 0; j < d; j++) {
      const c = Math.abs(all[i * d + j] as number);
      if (c > best) {
        best = c;
        bj = j;
      }
    }
    sign[i] = (all[i * d + bj] as number) < 0 ? -1 : 1;
    units.push({ b: i, a: bj, score: best, logP: unitLogP(best, scale, d, 2) });
  }
  const ex = exceedanceTest(units);
  // complete the permutation: matched dims first, the rest greedily by correlation
  const perm = new Int32Array(d).fill(-1);
  const used = new Set<number>();
  for (const mt of ex.matches) {
    perm[mt.b] = mt.a;
    used.add(mt.a);
  }
  const rest = units.filter((u) => (perm[u.b] as number) < 0);
  for (const u of rest) {
    let best = -1;
    let bj = -1;
    for (let j = 0; j < d; j++) {
      if (used.has(j)) continue;
      const c = Math.abs(all[u.b * d + j] as number);
      if (c > best) {
        best = c;
        bj = j;
      }
    }
    perm[u.b] = bj;
    used.add(bj);
    sign[u.b] = (all[u.b * d + bj] as number) < 0 ? -1 : 1;
  }
  const frame: Frame = { kind: "signed-permutation", dim: d, perm, sign, support: ex.matched / d, source: `embedding columns over ${k} shared tokens` };
  return { frame, matched: ex.matched, logP: ex.logP };
}

/** Is this signed permutation (nearly) the identity? */
export function isNearIdentity(f: Frame): boolean {
  if (!f.perm || !f.sign) return true;
  let same = 0;
  for (let i = 0; i < f.dim; i++) if (f.perm[i] === i && (f.sign[i] as number) > 0) same++;
  return same >= 0.9 * f.dim;
}

/**
 * A signed permutation known only where a fingerprint looks: A's embedding columns at `coords`
 * (k rows of width coords.length) against B's whole rows for the same k tokens (k x d). Each kept
 * A coordinate takes the B dimension whose column correlates best; B dimensions left over map onto
 * A dimensions outside `coords`, so the frame is a bijection and the kept coordinates are never
 * overwritten. Support is the fraction of kept coordinates whose correspondence passes the per-unit test.
 */
export function coordinatePermutationFromRows(raAtCoords: Float32Array, rb: Float32Array, coords: Int32Array, k: number, d: number, rng: Rng): PermutationEstimate | null {
  const m = coords.length;
  if (k < 16 || m === 0) return null;
  const ca = columns(raAtCoords, k, m);
  const cb = columns(rb, k, d);
  const all = cosines(ca, m, cb, d, k); // m x d: kept A coordinate i against every B dimension
  const scale = nullScale((i, j) => cosineAt(ca, i, cb, j, k), m, d, k, rng, 4096);
  const units: UnitMatch[] = [];
  const perm = new Int32Array(d).fill(-1);
  const sign = new Float32Array(d).fill(1);
  const taken = new Set<number>();
  for (let i = 0; i < m; i++) {
    let best = -1;
    let bj = 0;
    for (let j = 0; j < d; j++) {
      const c = Math.abs(all[i * d + j] as number);
      if (c > best && !taken.has(j)) {
        best = c;
        bj = j;
      }
    }
    taken.add(bj);
    perm[bj] = coords[i] as number;
    sign[bj] = (all[i * d + bj] as number) < 0 ? -1 : 1;
    units.push({ b: bj, a: coords[i] as number, score: best, logP: unitLogP(best, scale, d, 2) });
  }
  const ex = exceedanceTest(units);
  const kept = new Set(Array.from(coords));
  let free = 0;
  for (let j = 0; j < d; j++) {
    if ((perm[j] as number) >= 0) continue;
    while (kept.has(free)) free++;
    perm[j] = free++;
  }
  const frame: Frame = { kind: "signed-permutation", dim: d, perm, sign, support: ex.matched / m, source: `embedding columns at ${m} kept coordinates over ${k} shared tokens` };
  return { frame, matched: ex.matched, logP: ex.logP };
}
