/**
 * @module numeric/quants/q4_1
 * Q4_1: blocks of 32 values, `d: f16`, `m: f16`, `qs[16]`; value = q * d + m with q the low nibble of
 * qs[j] for value j and the high nibble for value j+16. Port of ggml's dequantize_row_q4_1 /
 * quantize_row_q4_1_ref (ggml-org/ggml src/ggml-quants.c, MIT).
 */
import { F16_BITS, fround, putF16 } from "./common.js";
import type { QuantKernel } from "./kernel.js";

const QK = 32;
const BYTES = 20;
const FLT_MAX = 3.4028234663852886e38;

export const q4_1: QuantKernel = {
  name: "Q4_1",
  blockSize: QK,
  blockBytes: BYTES,
  dequantize(src, dst, nBlocks) {
    // q*d is exact in float32 (4-bit q, f16 d), so q*d + m is rounded once, at the store, as in ggml.
    const f16 = F16_BITS;
    const v = new DataView(src.buffer, src.byteOffset, src.byteLength);
    for (let b = 0, o = 0, y = 0; b < nBlocks; b++, o += BYTES) {
      const d = f16[v.getUint16(o, true)] as number;
      const m = f16[v.getUint16(o + 2, true)] as number;
      for (let l = 0; l < 16; l += 4, y += 4) {
        const w = v.getInt32(o + 4 + l, true);
        dst[y] = (w & 15) * d + m;
        dst[y + 1] = ((w >> 8) & 15) * d + m;
        dst[y + 2] = ((w >> 16) & 15) * d + m;
        dst[y + 3] = ((w >> 24) & 15) * d + m;
      }
      for (let l = 0; l < 16; l += 4, y += 4) {
        const w = v.getInt32(o + 4 + l, true);
        dst[y] = ((w >> 4) & 15) * d + m;
        dst[y + 1] = ((w >> 12) & 15) * d + m;
        dst[y + 2] = ((w >> 20) & 15) * d + m;
        dst[y + 3] = ((w >>> 28) & 15) * d + m;
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
      const d = fround(fround(max - min) / 15);
      const id = d !== 0 ? fround(1 / d) : 0;
      putF16(dst, o, d);
      putF16(dst, o + 2, min);
      for (let j = 0; j < 16; j++) {
        const x0 = fround(fround((src[x + j] as number) - min) * id);
        const x1 = fround(fround((src[x + 16 + j] as number) - min) * id);
        const xi0 = Math.min(15, Math.trunc(fround(x0 + 0.5)));
        const xi1 = Math.min(15, Math.trunc(fround(x1 + 0.5)));
        dst[o + 4 + j] = xi0 | (xi1 << 4);
      }
    }
  },
};
