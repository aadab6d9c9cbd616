/**
 * @module numeric/quants/iq4_nl
 * IQ4_NL: blocks of 32 values, `d: f16` then `qs[16]`; value j = d * kvalues_iq4nl[qs[j] & 15], value
 * j+16 = d * kvalues_iq4nl[qs[j] >> 4]. Port of ggml's dequantize_row_iq4_nl and of the quantizer
 * ggml_quantize_chunk runs without an importance matrix (quantize_iq4_nl -> quantize_row_iq4_nl_impl
 * with ntry = 7; ggml-org/ggml src/ggml-quants.c, MIT). The same search serves IQ4_XS.
 */
import { F16_BITS, fround, nearestInt, putF16 } from "./common.js";
import type { QuantKernel } from "./kernel.js";
import { KVALUES_IQ4NL } from "./tables.js";

const QK = 32;
const BYTES = 18;
const GROUP_MAX_EPS = fround(1e-15);

/**
 * ggml's best_index_int8 over a sorted table of n (a power of 2) levels: the nearest level, the upper one
 * on a tie, found by comparing 2x with the sums of neighbouring levels (exact in float32). This is the
 * current ggml form; the older one compared x - v[i] with v[i+1] - x after rounding each, which can differ
 * only when those two round to the same float. Both reproduce the test vectors.
 */
export function bestIndexInt8(n: number, val: Int8Array, x: number): number {
  const x2 = x + x;
  let idx = 0;
  for (let step = n >> 1; step > 0; step >>= 1) {
    const j = idx + step;
    if (x2 >= (val[j - 1] as number) + (val[j] as number)) idx = j;
  }
  return idx;
}

/** Scratch buffers of the IQ4 search, allocated once per call site. */
export interface Iq4Scratch {
  scales: Float32Array;
  weight: Float32Array;
  L: Uint8Array;
}

export function iq4Scratch(superBlock: number): Iq4Scratch {
  return { scales: new Float32Array(superBlock / 32), weight: new Float32Array(32), L: new Uint8Array(superBlock) };
}

/**
 * quantize_row_iq4_nl_impl(super_block_size, 32, x, ...) with no importance matrix (weights x^2).
 * Writes d at dst[dOff], the nibbles at dst[qOff..], and for super-blocks of several sub-blocks
 * (IQ4_XS) the 6-bit sub-block scales at dst[shOff] (u16) and dst[slOff..].
 */
export function quantizeIq4Impl(
  superBlock: number, x: Float32Array, x0: number, dst: Uint8Array, dOff: number, qOff: number,
  shOff: number, slOff: number, ntry: number, s: Iq4Scratch,
): void {
  const values = KVALUES_IQ4NL;
  const v0 = values[0] as number;
  const { scales, weight, L } = s;
  const nb = superBlock / 32;
  dst.fill(0, qOff, qOff + superBlock / 2);
  putF16(dst, dOff, 0);
  let maxScale = 0;
  let amaxScale = 0;
  for (let ib = 0; ib < nb; ib++) {
    const xb = x0 + 32 * ib;
    const lb = 32 * ib;
    let amax = 0;
    let max = 0;
    for (let j = 0; j < 32; j++) {
      const v = x[xb + j] as number;
      weight[j] = fround(v * v);
      const ax = Math.abs(v);
      if (ax > amax) {
        amax = ax;
        max = v;
      }
    }
    if (amax < GROUP_MAX_EPS) {
      scales[ib] = 0;
      L.fill(0, lb, lb + 32);
      continue;
    }
    let d = ntry > 0 ? fround(-max / v0) : fround(max / v0);
    let id = fround(1 / d);
    let sumqx = 0;
    let sumq2 = 0;
    for (let j = 0; j < 32; j++) {
      const xv = x[xb + j] as number;
      const l = bestIndexInt8(16, values, fround(id * xv));
      L[lb + j] = l;
      const q = values[l] as number;
      const wq = fround((weight[j] as number) * q);
      sumqx = fround(sumqx + fround(wq * xv));
      sumq2 = fround(sumq2 + fround(wq * q));
    }
    d = sumq2 > 0 ? fround(sumqx / sumq2) : 0;
    let best = fround(d * sumqx);
    for (let itry = -ntry; itry <= ntry; itry++) {
      id = fround((itry + v0) / max);
      sumqx = 0;
      sumq2 = 0;
      for (let j = 0; j < 32; j++) {
        const xv = x[xb + j] as number;
        const l = bestIndexInt8(16, values, fround(id * xv));
        const q = values[l] as number;
        const wq = fround((weight[j] as number) * q);
        sumqx = fround(sumqx + fround(wq * xv));
        sumq2 = fround(sumq2 + fround(wq * q));
      }
      if (sumq2 > 0 && fround(sumqx * sumqx) > fround(best * sumq2)) {
        d = fround(sumqx / sumq2);
        best = fround(d * sumqx);
      }
    }
    scales[ib] = d;
    const absD = Math.abs(d);
    if (absD > amaxScale) {
      amaxScale = absD;
      maxScale = d;
    }
  }
  if (nb > 1) {
    dst[shOff] = 0;
    dst[shOff + 1] = 0;
    const d = fround(-maxScale / 32);
    putF16(dst, dOff, d);
    const id = d !== 0 ? fround(1 / d) : 0;
    let sh = 0;
    for (let ib = 0; ib < nb; ib++) {
      let l = nearestInt(fround(id * (scales[ib] as number)));
      l = Math.max(-32, Math.min(31, l));
      const dl = fround(d * l);
      const idl = dl !== 0 ? fround(1 / dl) : 0;
      const xb = x0 + 32 * ib;
      for (let j = 0; j < 32; j++) L[32 * ib + j] = bestIndexInt8(16, values, fround(idl * (x[xb + j] as number)));
      l += 32;
      const ll = l & 15;
      if (ib % 2 === 0) dst[slOff + (ib >> 1)] = ll;
      else dst[slOff + (ib >> 1)] = (dst[slOff + (ib >> 1)] as number) | (ll << 4);
      sh |= (l >> 4) << (2 * ib);
    }
    dst[shOff] = sh & 0xff;
    dst[shOff + 1] = (sh >>> 8) & 0xff;
  } else {
    const s0 = scales[0] as number;
    putF16(dst, dOff, s0);
    if (ntry > 0) {
      const id = s0 !== 0 ? fround(1 / s0) : 0;
      for (let j = 0; j < superBlock; j++) L[j] = bestIndexInt8(16, values, fround(id * (x[x0 + j] as number)));
    }
  }
  for (let i = 0; i < superBlock / 32; i++) {
    for (let j = 0; j < 16; j++) dst[qOff + 16 * i + j] = (L[32 * i + j] as number) | ((L[32 * i + 16 + j] as number) << 4);
  }
}

export const iq4_nl: QuantKernel = {
  name: "IQ4_NL",
  blockSize: QK,
  blockBytes: BYTES,
  dequantize(src, dst, nBlocks) {
    const kv = KVALUES_IQ4NL;
    const f16 = F16_BITS;
    const v = new DataView(src.buffer, src.byteOffset, src.byteLength);
    for (let b = 0, o = 0, y = 0; b < nBlocks; b++, o += BYTES) {
      const d = f16[v.getUint16(o, true)] as number;
      for (let l = 0; l < 16; l += 4, y += 4) {
        const w = v.getInt32(o + 2 + l, true);
        dst[y] = d * (kv[w & 15] as number);
        dst[y + 1] = d * (kv[(w >> 8) & 15] as number);
        dst[y + 2] = d * (kv[(w >> 16) & 15] as number);
        dst[y + 3] = d * (kv[(w >> 24) & 15] as number);
      }
      for (let l = 0; l < 16; l += 4, y += 4) {
        const w = v.getInt32(o + 2 + l, true);
        dst[y] = d * (kv[(w >> 4) & 15] as number);
        dst[y + 1] = d * (kv[(w >> 12) & 15] as number);
        dst[y + 2] = d * (kv[(w >> 20) & 15] as number);
        dst[y + 3] = d * (kv[(w >>> 28) & 15] as number);
      }
    }
  },
  quantize(src, dst, nBlocks) {
    const s = iq4Scratch(QK);
    for (let b = 0; b < nBlocks; b++) quantizeIq4Impl(QK, src, b * QK, dst, b * BYTES, b * BYTES + 2, -1, -1, 7, s);
  },
};
