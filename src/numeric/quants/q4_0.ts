/**
 * @module numeric/quants/q4_0
 * Q4_0: blocks of 32 values, `d: f16` then `qs[16]`; value j = ((qs[j] & 15) - 8) * d, value j+16 =
 * ((qs[j] >> 4) - 8) * d. Port of ggml's dequantize_row_q4_0 / quantize_row_q4_0_ref
 * (ggml-org/ggml src/ggml-quants.c, MIT).
 */
import { F16_BITS, fround, putF16 } from "./common.js";
import type { QuantKernel } from "./kernel.js";

const QK = 32;
const BYTES = 18;

export const q4_0: QuantKernel = {
  name: "Q4_0",
  blockSize: QK,
  blockBytes: BYTES,
  dequantize(src, dst, nBlocks) {
    const f16 = F16_BITS;
    const v = new DataView(src.buffer, src.byteOffset, src.byteLength);
    for (let b = 0, o = 0, y = 0; b < nBlocks; b++, o += BYTES) {
      const d = f16[v.getUint16(o, true)] as number;
      for (let l = 0; l < 16; l += 4, y += 4) {
        const w = v.getInt32(o + 2 + l, true);
        dst[y] = ((w & 15) - 8) * d;
        dst[y + 1] = (((w >> 8) & 15) - 8) * d;
        dst[y + 2] = (((w >> 16) & 15) - 8) * d;
        dst[y + 3] = (((w >> 24) & 15) - 8) * d;
      }
      for (let l = 0; l < 16; l += 4, y += 4) {
        const w = v.getInt32(o + 2 + l, true);
        dst[y] = (((w >> 4) & 15) - 8) * d;
        dst[y + 1] = (((w >> 12) & 15) - 8) * d;
        dst[y + 2] = (((w >> 20) & 15) - 8) * d;
        dst[y + 3] = (((w >>> 28) & 15) - 8) * d;
      }
    }
  },
  quantize(src, dst, nBlocks) {
    for (let b = 0, o = 0, x = 0; b < nBlocks; b++, o += BYTES, x += QK) {
      let amax = 0;
      let max = 0;
      for (let j = 0; j < QK; j++) {
        const v = src[x + j] as number;
        if (amax < Math.abs(v)) {
          amax = Math.abs(v);
          max = v;
        }
      }
      const d = fround(max / -8);
      const id = d !== 0 ? fround(1 / d) : 0;
      putF16(dst, o, d);
      for (let j = 0; j < 16; j++) {
        const x0 = fround((src[x + j] as number) * id);
        const x1 = fround((src[x + 16 + j] as number) * id);
        const xi0 = Math.min(15, Math.trunc(fround(x0 + 8.5)));
        const xi1 = Math.min(15, Math.trunc(fround(x1 + 8.5)));
        dst[o + 2 + j] = xi0 | (xi1 << 4);
      }
    }
  },
};
