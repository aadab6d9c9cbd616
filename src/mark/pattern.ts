/**
 * @module mark/pattern
 * A recipient's pattern over one tensor: a Rademacher sign (+1 or -1) per weight, in row-major
 * order, 32 signs per word from a counter-based hash of (tensor seed, word index). Any word can be
 * made without the ones before it, so marking streams and tracing reads only the words it needs.
 * Which tensors carry a mark: every matrix (2-D tensor); never norms, biases or other vectors.
 */

/** The 32 sign bits of word `w` (bit i set: entry 32w + i is +1). */
export function wordBits(s0: number, s1: number, w: number): number {
  let h = Math.imul(w, 0x9e3779b1) ^ s0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  h = (h + s1) | 0;
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  h = Math.imul(h, 0x297a2d39);
  h ^= h >>> 15;
  return h >>> 0;
}

/** Signs of entries [start, start + n) as ±1 into `out`. */
export function fillSigns(s0: number, s1: number, start: number, n: number, out: Float32Array): void {
  let i = 0;
  while (i < n) {
    const k = start + i;
    const w = Math.floor(k / 32);
    const bits = wordBits(s0, s1, w);
    const first = k - w * 32;
    const stop = Math.min(32, first + (n - i));
    for (let b = first; b < stop; b++) out[i++] = (bits >>> b) & 1 ? 1 : -1;
  }
}

/** Does a tensor of this shape carry a mark? Matrices only. */
export function isMarkable(shape: readonly number[]): boolean {
  return shape.length === 2 && (shape[0] as number) > 0 && (shape[1] as number) > 1;
}
