/**
 * @module numeric/quants/q1_0
 * Q1_0: blocks of 128 values, `d: f16` then `qs[16]`; bit j (least significant first) gives +d when
 * set, -d when clear. Port of ggml's dequantize_row_q1_0 / quantize_row_q1_0_ref
 * (ggml-org/ggml src/ggml-quants.c, MIT).
 */
import { F16_BITS, fround, putF16 } from "./common.js";
import type { QuantKernel } from "./kernel.js";

const QK = 128;
const BYTES = 18;
const PM = new Float32Array(2);

export const q1_0: QuantKernel = {
  name: "Q1_0",
  blockSize: QK,
  blockBytes: BYTES,
  dequantize(src, dst, nBlocks) {
    const f16 = F16_BITS;
    const pm = PM;
    for (let b = 0, o = 0, y = 0; b < nBlocks; b++, o += BYTES) {
      // pm[0] = -d, pm[1] = d (negation, as ggml does, keeps even NaN scales bit-exact)
      const d = f16[(src[o] as number) | ((src[o + 1] as number) << 8)] as number;
      pm[0] = -d;
      pm[1] = d;
      for (let i = 0; i < 16; i++, y += 8) {
        const q = src[o + 2 + i] as number;
        dst[y] = pm[q & 1] as number;
        dst[y + 1] = pm[(q >> 1) & 1] as number;
        dst[y + 2] = pm[(q >> 2) & 1] as number;
        dst[y + 3] = pm[(q >> 3) & 1] as number;
        dst[y + 4] = pm[(q >> 4) & 1] as number;
        dst[y + 5] = pm[(q >> 5) & 1] as number;
        dst[y + 6] = pm[(q >> 6) & 1] as number;
        dst[y + 7] = pm[q >> 7] as number;
      }
    }
  },
  quantize(src, dst, nBlocks) {
    for (let b = 0, o = 0, x = 0; b < nBlocks; b++, o += BYTES, x += QK) {
      let sumAbs = 0;
      for (let j = 0; j < QK; j++) sumAbs = fround(sumAbs + Math.abs(src[x + j] as number));
      putF16(dst, o, fround(sumAbs / QK));
      for (let i = 0; i < 16; i++) {
        let q = 0;
        for (let k = 0; k < 8; k++) if ((src[x + 8 * i + k] as number) >= 0) q |= 1 << k;
        dst[o + 2 + i] = q;
      }
    }
  },
};
