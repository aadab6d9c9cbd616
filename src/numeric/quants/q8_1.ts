/**
 * @module numeric/quants/q8_1
 * Q8_1: blocks of 32 values, `d: f16`, `s: f16` (= d * sum(qs)), `qs[32]: int8`; value = qs[j] * d.
 * ggml uses it for activations only and has no dequantize_row_q8_1; decoding is the obvious q * d, and
 * the quantizer is quantize_row_q8_1_ref (ggml-org/ggml src/ggml-quants.c, MIT).
 */
import { F16_BITS, fround, putF16, roundf } from "./common.js";
import type { QuantKernel } from "./kernel.js";

const QK = 32;
const BYTES = 36;

export const q8_1: QuantKernel = {
  name: "Q8_1",
  blockSize: QK,
  blockBytes: BYTES,
  dequantize(src, dst, nBlocks) {
    const f16 = F16_BITS;
    const v = new DataView(src.buffer, src.byteOffset, src.byteLength);
    for (let b = 0, o = 0, y = 0; b < nBlocks; b++, o += BYTES) {
      const d = f16[v.getUint16(o, true)] as number;
      for (let l = 0; l < QK; l += 4, y += 4) {
        const w = v.getInt32(o + 4 + l, true);
        dst[y] = ((w << 24) >> 24) * d;
        dst[y + 1] = ((w << 16) >> 24) * d;
        dst[y + 2] = ((w << 8) >> 24) * d;
        dst[y + 3] = (w >> 24) * d;
      }
    }
  },
  quantize(src, dst, nBlocks) {
    for (let b = 0, o = 0, x = 0; b < nBlocks; b++, o += BYTES, x += QK) {
      let amax = 0;
      for (let j = 0; j < QK; j++) amax = Math.max(amax, Math.abs(src[x + j] as number));
      const d = fround(amax / 127);
      const id = d !== 0 ? fround(1 / d) : 0;
      putF16(dst, o, d);
      let sum = 0;
      for (let j = 0; j < QK; j++) {
        const q = roundf(fround((src[x + j] as number) * id));
        dst[o + 4 + j] = q & 0xff;
        sum += q;
      }
      putF16(dst, o + 2, fround(sum * d));
    }
  },
};
