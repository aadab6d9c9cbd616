/**
 * @module numeric/quants/q2_0
 * Q2_0: blocks of 64 values, `d: f16` then `qs[16]`; value j is ((qs[j/4] >> 2(j%4)) & 3) - 1, times d
 * (codes 0..3 mean -1, 0, +1, +2). Port of ggml's dequantize_row_q2_0 / quantize_row_q2_0_ref
 * (ggml-org/ggml src/ggml-quants.c, MIT).
 */
import { F16_BITS, fround, putF16, roundf } from "./common.js";
import type { QuantKernel } from "./kernel.js";

const QK = 64;
const BYTES = 18;

export const q2_0: QuantKernel = {
  name: "Q2_0",
  blockSize: QK,
  blockBytes: BYTES,
  dequantize(src, dst, nBlocks) {
    const f16 = F16_BITS;
    for (let b = 0, o = 0, y = 0; b < nBlocks; b++, o += BYTES) {
      const d = f16[(src[o] as number) | ((src[o + 1] as number) << 8)] as number;
      for (let i = 0; i < 16; i++, y += 4) {
        const q = src[o + 2 + i] as number;
        dst[y] = ((q & 3) - 1) * d;
        dst[y + 1] = (((q >> 2) & 3) - 1) * d;
        dst[y + 2] = (((q >> 4) & 3) - 1) * d;
        dst[y + 3] = ((q >> 6) - 1) * d;
      }
    }
  },
  quantize(src, dst, nBlocks) {
    for (let b = 0, o = 0, x = 0; b < nBlocks; b++, o += BYTES, x += QK) {
      let amax = 0;
      for (let j = 0; j < QK; j++) {
        const a = Math.abs(src[x + j] as number);
        if (a > amax) amax = a;
      }
      const id = amax > 0 ? fround(1 / amax) : 0;
      putF16(dst, o, amax);
      for (let i = 0; i < 16; i++) {
        let byte = 0;
        for (let k = 0; k < 4; k++) {
          let q = roundf(fround((src[x + 4 * i + k] as number) * id)) + 1;
          if (q < 0) q = 0;
          if (q > 3) q = 3;
          byte |= q << (2 * k);
        }
        dst[o + 2 + i] = byte;
      }
    }
  },
};
