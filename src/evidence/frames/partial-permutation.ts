/**
 * @module evidence/frames/partial-permutation
 * A frame between residual streams of different widths (residual-width pruning, as Sheared-LLaMA
 * and Minitron did; possibly permuted and sign-flipped as well): each of B's residual coordinates
 * is matched to one of A's, from the embedding columns of shared tokens (paired by string).
 *
 * Each B coordinate is a column over k tokens; its best-correlating A column (in absolute value)
 * is its candidate, the correlation's sign its sign flip. Whether the correspondence is real is the
 * same per-unit test units get (the largest |cosine| of one B column against m independent A columns,
 * against the null spread measured on random column pairs), and the count of coordinates that pass
 * goes through the exceedance test: that is the frame's support. The map is made one-to-one
 * greedily, strongest B coordinates first.
 *
 * The frame then holds, for B coordinate i, the A coordinate perm[i] (or -1 when B has more
 * coordinates than could be placed), and `coords` lists the A coordinates used: unit tests compare
 * there, A's vectors restricted to them, B's vectors mapped onto them. When most coordinates are
 * matched only the matched ones are used (the rest would add noise); otherwise every B coordinate
 * is placed, so that an independent pair is still compared at full power. Either way the frame
 * depends on the embeddings only; the embeddings that fitted it are not evidence in it (token tests
 * use held-out tokens).
 */
import type { CanonicalModel } from "../../model/canonical.js";
import { Rng } from "../../numeric/rng.js";
import { exceedanceTest, unitLogP, type UnitMatch } from "../exceedance.js";
import type { Frame } from "../frame.js";
import { nullScale } from "../null-scale.js";
import { cosineAt, cosines } from "../similarity.js";
import type { TokenPairs } from "../token-pairs.js";
import { readSomeRows } from "../unit-views.js";
import { columns } from "./signed-permutation.js";

/** Fewer matched coordinates than this (or than half of B's) and every B coordinate is placed. */
const MIN_MATCHED = 16;

export interface PartialCoordinateMap {
  /** kind "signed-permutation", dim = A's width, dimB = B's, perm/sign per B coordinate, coords = A coordinates used. */
  frame: Frame;
  /** B coordinates whose correspondence passed the per-coordinate test. */
  matched: number;
  /** ln p of the exceedance test on that count (the embeddings' evidence; not counted again). */
  logP: number;
  /** Per B coordinate: did its correspondence pass the per-coordinate test? */
  passed: Uint8Array;
}

/**
 * The partial coordinate map from paired token rows — what fingerprint and scan code can call with
 * whatever A-side data they hold:
 * - `raAt`: k rows of A's embedding restricted to A coordinates `coordsA` (k x coordsA.length);
 * - `dimA`: A's full residual width (the frame maps into it);
 * - `rb`: B's embedding rows for the same k tokens (k x dimB).
 * Returns null with fewer than 16 tokens or no coordinate.
 */
export function partialPermutationFromRows(raAt: Float32Array, coordsA: Int32Array, dimA: number, rb: Float32Array, k: number, dimB: number, rng: Rng): PartialCoordinateMap | null {
  const m = coordsA.length;
  if (k < 16 || m === 0 || dimB === 0) return null;
  const ca = columns(raAt, k, m);
  const cb = columns(rb, k, dimB);
  const all = cosines(cb, dimB, ca, m, k); // dimB x m
  const scale = nullScale((i, j) => cosineAt(cb, i, ca, j, k), dimB, m, k, rng, 4096);
  const best = new Float64Array(dimB);
  const units: UnitMatch[] = [];
  for (let i = 0; i < dimB; i++) {
    let b = -1;
    let bj = 0;
    for (let j = 0; j < m; j++) {
      const c = Math.abs(all[i * m + j] as number);
      if (c > b) {
        b = c;
        bj = j;
      }
    }
    best[i] = b;
    units.push({ b: i, a: coordsA[bj] as number, score: b, logP: unitLogP(b, scale, m, 2) });
  }
  const ex = exceedanceTest(units);
  const passed = new Uint8Array(dimB);
  for (const u of ex.matches) passed[u.b] = 1;
  const placeOnlyMatched = ex.matched >= MIN_MATCHED && ex.matched >= 0.5 * Math.min(dimB, m);
  // one-to-one, strongest B coordinates first, each taking its best A coordinate still free
  const order = Array.from({ length: dimB }, (_, i) => i).sort((x, y) => (best[y] as number) - (best[x] as number) || x - y);
  const perm = new Int32Array(dimB).fill(-1);
  const sign = new Float32Array(dimB).fill(1);
  const taken = new Uint8Array(m);
  for (const i of order) {
    if (placeOnlyMatched && !passed[i]) continue;
    let b = -1;
    let bj = -1;
    for (let j = 0; j < m; j++) {
      const c = Math.abs(all[i * m + j] as number);
      if (!taken[j] && c > b) {
        b = c;
        bj = j;
      }
    }
    if (bj < 0) break; // every A coordinate is taken (B wider than A's coordinates)
    taken[bj] = 1;
    perm[i] = coordsA[bj] as number;
    sign[i] = (all[i * m + bj] as number) < 0 ? -1 : 1;
  }
  const coords = Int32Array.from(Array.from(perm).filter((j) => j >= 0).sort((x, y) => x - y));
  const frame: Frame = {
    kind: "signed-permutation", dim: dimA, dimB, perm, sign, coords, support: ex.matched / Math.min(dimB, m),
    source: `embedding columns over ${k} shared tokens: ${ex.matched} of B's ${dimB} residual dimensions matched to A's ${dimA}`,
  };
  return { frame, matched: ex.matched, logP: ex.logP, passed };
}

/** The partial map from the embeddings of the token pairs listed in `use` (at most `maxTokens` of them). */
export function estimatePartialPermutation(a: CanonicalModel, b: CanonicalModel, pairs: TokenPairs, use: Int32Array, seed: number, maxTokens = 1024): PartialCoordinateMap | null {
  const ea = a.tensors.get("embed");
  const eb = b.tensors.get("embed");
  if (!ea || !eb || use.length < 16) return null;
  const rng = new Rng(seed ^ 0x9a27);
  const pick = use.length > maxTokens ? rng.permutation(use.length).slice(0, maxTokens) : Int32Array.from(use.keys());
  const ra = readSomeRows(ea, Int32Array.from(pick, (i) => pairs.a[use[i] as number] as number));
  const rb = readSomeRows(eb, Int32Array.from(pick, (i) => pairs.b[use[i] as number] as number));
  const all = Int32Array.from({ length: ea.cols }, (_, j) => j);
  return partialPermutationFromRows(ra, all, ea.cols, rb, pick.length, eb.cols, rng);
}
