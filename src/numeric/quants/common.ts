/**
 * @module numeric/quants/common
 * Small helpers shared by the block kernels: f16 fields and ggml's float32 rounding helpers.
 * ggml's own reference code was compiled without fused multiply-adds, so a*b+c is two roundings.
 */
import { f32ToF16 } from "../half.js";

export const fround = Math.fround;

/**
 * f16 bits -> float32, built bit by bit so that NaNs keep their sign and payload (quieted), as ggml's
 * GGML_FP16_TO_FP32 (F16C or its table) gives them; finite values and infinities equal half.ts F16_TABLE.
 */
export const F16_BITS: Float32Array = (() => {
  const t = new Float32Array(65536);
  const u = new Uint32Array(t.buffer);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const exp = (h >> 10) & 0x1f;
    const mant = h & 0x3ff;
    if (exp === 31) u[h] = (sign | 0x7f800000 | (mant << 13) | (mant ? 0x400000 : 0)) >>> 0;
    else if (exp === 0) t[h] = (sign ? -1 : 1) * mant * 2 ** -24;
    else u[h] = (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0;
  }
  return t;
})();

/** The f16 stored little-endian at src[o], as float32. */
export function f16At(src: Uint8Array, o: number): number {
  return F16_BITS[(src[o] as number) | ((src[o + 1] as number) << 8)] as number;
}

/** Store `value` (rounded to f16, nearest-even, as GGML_FP32_TO_FP16) little-endian at dst[o]; returns the bits. */
export function putF16(dst: Uint8Array, o: number, value: number): number {
  const h = f32ToF16(value);
  dst[o] = h & 0xff;
  dst[o + 1] = h >>> 8;
  return h;
}

/** The little-endian u16 at src[o]. */
export function u16At(src: Uint8Array, o: number): number {
  return (src[o] as number) | ((src[o + 1] as number) << 8);
}

// ggml's nearest_int (round half to even through the 1.5*2^23 float trick) and C's roundf/lroundf.
export { nearestInt, roundf } from "../round.js";
