/**
 * @module fingerprint/index-key
 * The index key: a few thousand 64-bit codes of a model's most prominent MLP units (largest gate
 * rows: a choice that survives permutation, rotation, fine-tuning and pruning), each code the sign
 * pattern of the unit's character descriptors (basis-free) or of its sketch coordinates (the
 * files' own basis), measured against the layer's mean. Derived models share many codes exactly in
 * one of three 20-bit bands; unrelated ones rarely (a chance collision is ~1 in 3,000 per code).
 */
import type { IndexKey } from "./types.js";

/** Bands per 64-bit code, and bits per band: 3 x 20 bits (4 bits unused). */
export const BANDS = 3;
export const BAND_BITS = 20;
export const INDEX_KEY_MAX_BYTES = 64 * 1024;

/** Sign code of `width` (≤ 64) values of row r minus the column means. */
export function signCode(x: Float32Array, r: number, width: number, cols: number, mean: Float64Array): [number, number] {
  let hi = 0;
  let lo = 0;
  for (let j = 0; j < Math.min(64, width); j++) {
    if ((x[r * cols + j] as number) - (mean[j] as number) > 0) {
      if (j < 32) lo |= 1 << j;
      else hi |= 1 << (j - 32);
    }
  }
  return [hi >>> 0, lo >>> 0];
}

export function columnMeans(x: Float32Array, rows: number, cols: number): Float64Array {
  const m = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) m[j] = (m[j] as number) + (x[r * cols + j] as number) / rows;
  return m;
}

/** Indices of the `k` rows with the largest norms. */
export function topRows(norms: Float64Array, k: number): Int32Array {
  const order = Array.from(norms.keys()).sort((a, b) => (norms[b] as number) - (norms[a] as number));
  return Int32Array.from(order.slice(0, k));
}

/** The three 20-bit bands of a code. */
export function bands(hi: number, lo: number): [number, number, number] {
  return [lo & 0xfffff, ((lo >>> 20) | (hi << 12)) & 0xfffff, (hi >>> 8) & 0xfffff];
}

/** A band as one integer key, unique across code kinds and band positions: ((kind·3 + band) << 20) | value. */
export function bandKey(kind: number, band: number, value: number): number {
  return ((kind * BANDS + band) << BAND_BITS) | value;
}

export class IndexKeyBuilder {
  private codes: number[] = [];
  private kinds: number[] = [];
  private layers: number[] = [];
  add(kind: 0 | 1 | 2, layer: number, code: [number, number]): void {
    this.codes.push(code[0], code[1]);
    this.kinds.push(kind);
    this.layers.push(layer);
  }
  build(): IndexKey {
    return { codes: Uint32Array.from(this.codes), kinds: Uint8Array.from(this.kinds), layers: Uint16Array.from(this.layers) };
  }
}

