/**
 * @module numeric/quants/q5_1
 * Q5_1: blocks of 32 values, `d: f16`, `m: f16`, `qh: u32`, `qs[16]`; 5-bit q as in Q5_0 but unsigned,
 * value = q * d + m. Port of ggml's dequantize_row_q5_1 / quantize_row_q5_1_ref
 * (ggml-org/ggml src/ggml-quants.c, MIT).
 */
import { F16_BITS, fround, putF16 } from "./common.js";
import type { QuantKernel } from "./kernel.js";

const QK = 32;
const BYTES = 24;
const FLT_MAX = 3.4028234663852886e38;

export const q5_1: QuantKernel = {
  name: "Q5_1",
  blockSize: QK,
  blockBytes: BYTES,
  dequantize(src, dst, nBlocks) {
    // q*d is exact in float32 (5-bit q, f16 d), so q*d + m is rounded once, at the store, as in ggml.
    const f16 = F16_BITS;
    const v = new DataView(src.buffer, src.byteOffset, src.byteLength);
    for (let b = 0, o = 0, y = 0; b < nBlocks; b++, o += BYTES) {
      const d = f16[v.getUint16(o, true)] as number;
      const m = f16[v.getUint16(o + 2, true)] as number;
      const qh = v.getInt32(o + 4, true);
      for (let l = 0; l < 16; l += 4, y += 4) {
        const w = v.getInt32(o + 8 + l, true);
        const h = qh >>> l;
        dst[y] = ((w & 15) | ((h << 4) & 16)) * d + m;
        dst[y + 1] = (((w >> 8) & 15) | ((h << 3) & 16)) * d + m;
        dst[y + 2] = (((w >> 16) & 15) | ((h << 2) & 16)) * d + m;
        dst[y + 3] = (((w >> 24) & 15) | ((h << 1) & 16)) * d + m;
      }
      for (let l = 0; l < 16; l += 4, y += 4) {
        const w = v.getInt32(o + 8 + l, true);
        const h = qh >>> (l + 16);
        dst[y] = (((w >> 4) & 15) | ((h << 4) & 16)) * d + m;
        dst[y + 1] = (((w >> 12) & 15) | ((h << 3) & 16)) * d + m;
        dst[y + 2] = (((w >> 20) & 15) | ((h << 2) & 16)) * d + m;
        dst[y + 3] = (((w >>> 28) & 15) | ((h << 1) & 16)) * d + m;
      }
    }
  },
  quantize(src, dst, nBlocks) {
    for (let b = 0, o = 0, x = 0; b < nBlocks; b++, o += BYTES, x += QK) {
      let min = FLT_MAX;
      let max = -FLT_MAX;
      for (let j = 0; j < QK; j++) {
        const v = src[x + j] as number;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      const d = fround(fround(max - min) / 31);
      const id = d !== 0 ? fround(1 / d) : 0;
      putF16(dst, o, d);
      putF16(dst, o + 2, min);
      let qh = 0;
      for (let j = 0; j < 16; j++) {
        const x0 = fround(fround((src[x + j] as number) - min) * id);
        const x1 = fround(fround((src[x + 16 + j] as number) - min) * id);
        const xi0 = Math.trunc(fround(x0 + 0.5)) & 0xff;
        const xi1 = Math.trunc(fround(x1 + 0.5)) & 0xff;
        dst[o + 8 + j] = (xi0 & 15) | ((xi1 & 15) << 4);
        qh |= ((xi0 & 0x10) >> 4) << j;
        qh |= ((xi1 & 0x10) >> 4) << (j + 16);
      }
      dst[o + 4] = qh & 0xff;
      dst[o + 5] = (qh >>> 8) & 0xff;
      dst[o + 6] = (qh >>> 16) & 0xff;
      dst[o + 7] = (qh >>> 24) & 0xff;
    }
  },
};
