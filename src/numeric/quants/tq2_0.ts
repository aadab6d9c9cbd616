/**
 * @module numeric/quants/tq2_0
 * TQ2_0 (ternary): blocks of 256 values, `qs[64]` then `d: f16`; for each 32-byte half of qs and each
 * shift l = 0..3, 32 values ((qs[m] >> 2l) & 3) - 1, times d. Port of ggml's dequantize_row_tq2_0 /
 * quantize_row_tq2_0_ref (ggml-org/ggml src/ggml-quants.c, MIT).
 */
import { F16_BITS, fround, putF16, roundf } from "./common.js";
import type { QuantKernel } from "./kernel.js";

const QK = 256;
const BYTES = 66;

export const tq2_0: QuantKernel = {
  name: "TQ2_0",
  blockSize: QK,
  blockBytes: BYTES,
  dequantize(src, dst, nBlocks) {
    const f16 = F16_BITS;
    const v = new DataView(src.buffer, src.byteOffset, src.byteLength);
    for (let b = 0, o = 0, y = 0; b < nBlocks; b++, o += BYTES) {
      const d = f16[v.getUint16(o + 64, true)] as number;
      for (let j = 0; j < 64; j += 32) {
        for (let shift = 0; shift < 8; shift += 2) {
          for (let m = 0; m < 32; m += 4, y += 4) {
            const w = v.getInt32(o + j + m, true) >>> shift;
            dst[y] = ((w & 3) - 1) * d;
            dst[y + 1] = (((w >> 8) & 3) - 1) * d;
            dst[y + 2] = (((w >> 16) & 3) - 1) * d;
            dst[y + 3] = (((w >>> 24) & 3) - 1) * d;
          }
        }
      }
    }
  },
  quantize(src, dst, nBlocks) {
    for (let b = 0, o = 0, x = 0; b < nBlocks; b++, o += BYTES, x += QK) {
      let amax = 0;
      for (let j = 0; j < QK; j++) amax = Math.max(amax, Math.abs(src[x + j] as number));
      const d = amax;
      const id = d !== 0 ? fround(1 / d) : 0;
      putF16(dst, o + 64, d);
      for (let j = 0; j < 64; j += 32) {
        const xj = x + 4 * j;
        for (let m = 0; m < 32; m++) {
          let q = 0;
          for (let n = 0; n < 4; n++) {
            const xi = roundf(fround((src[xj + m + 32 * n] as number) * id)) + 1;
            q += (xi & 3) << (2 * n);
          }
          dst[o + j + m] = q;
        }
      }
    }
  },
};
