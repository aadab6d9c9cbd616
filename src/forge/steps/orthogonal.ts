/**
 * @module forge/steps/orthogonal
 * The orthogonal Q that `rotate` applies to the residual stream, as a map x -> x·Q on row vectors.
 * Up to DENSE_MAX (512) dimensions Q is dense (Gram-Schmidt of a seeded Gaussian matrix): O(dim) flops
 * per value. Wider streams get Q = B₁·P·B₂, two block-diagonal stages of seeded random orthogonal
 * BLOCK x BLOCK blocks around a seeded permutation: still orthogonal, and every output coordinate
 * mixes BLOCK² = 4,096 inputs (all of them up to that width), for O(2·BLOCK) flops per value
 * instead of O(dim) — a 4,096-wide model rotates in minutes, not hours.
 */
import { Rng } from "../../numeric/rng.js";
import { randomOrthogonal } from "../linalg.js";

export const DENSE_MAX = 512;
const BLOCK = 64;

export interface Orthogonal {
  dim: number;
  /** out = x·Q (out must not alias x). */
  apply(x: Float64Array, out: Float64Array): void;
  /** Q's rows when dense (for the ground-truth record). */
  dense: Float64Array | null;
  structure: string;
}

function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < n; k += 4) {
    s0 += (a[ao + k] as number) * (b[bo + k] as number);
    s1 += (a[ao + k + 1] as number) * (b[bo + k + 1] as number);
    s2 += (a[ao + k + 2] as number) * (b[bo + k + 2] as number);
    s3 += (a[ao + k + 3] as number) * (b[bo + k + 3] as number);
  }
  for (; k < n; k++) s0 += (a[ao + k] as number) * (b[bo + k] as number);
  return s0 + s1 + (s2 + s3);
}

function dense(dim: number, seed: number): Orthogonal {
  const q = randomOrthogonal(dim, seed);
  const qt = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) qt[j * dim + i] = q[i * dim + j] as number;
  return {
    dim, dense: q, structure: "dense",
    apply(x, out) {
      for (let j = 0; j < dim; j++) out[j] = dot(x, 0, qt, j * dim, dim);
    },
  };
}

/** Blocks of a block-diagonal stage: [start, size, Qᵀ of the block]. */
function stage(dim: number, seed: number): Array<[number, number, Float64Array]> {
  const out: Array<[number, number, Float64Array]> = [];
  for (let s = 0, i = 0; s < dim; s += BLOCK, i++) {
    const b = Math.min(BLOCK, dim - s);
    const q = randomOrthogonal(b, (seed + 7919 * (i + 1)) >>> 0);
    const qt = new Float64Array(b * b);
    for (let r = 0; r < b; r++) for (let c = 0; c < b; c++) qt[c * b + r] = q[r * b + c] as number;
    out.push([s, b, qt]);
  }
  return out;
}

function applyStage(blocks: Array<[number, number, Float64Array]>, x: Float64Array, out: Float64Array): void {
  for (const [s, b, qt] of blocks) for (let j = 0; j < b; j++) out[s + j] = dot(x, s, qt, j * b, b);
}

function butterfly(dim: number, seed: number): Orthogonal {
  const b1 = stage(dim, seed);
  const b2 = stage(dim, (seed ^ 0x5bd1e995) >>> 0);
  const perm = new Rng(seed).permutation(dim);
  const y = new Float64Array(dim);
  const z = new Float64Array(dim);
  return {
    dim, dense: null, structure: `B1·P·B2: block-diagonal ${BLOCK}x${BLOCK} random orthogonal stages around a random permutation`,
    apply(x, out) {
      applyStage(b1, x, y);
      for (let i = 0; i < dim; i++) z[perm[i] as number] = y[i] as number;
      applyStage(b2, z, out);
    },
  };
}

/** The seeded rotation of a `dim`-wide residual stream. */
export function seededOrthogonal(dim: number, seed: number): Orthogonal {
  return dim <= DENSE_MAX ? dense(dim, seed) : butterfly(dim, seed);
}
