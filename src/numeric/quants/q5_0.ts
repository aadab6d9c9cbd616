/**
 * @module numeric/quants/q5_0
 * Q5_0: blocks of 32 values, `d: f16`, `qh: u32` (5th bits), `qs[16]`; value j = ((qs[j] & 15) | bit j
 * of qh << 4) - 16, value j+16 = ((qs[j] >> 4) | bit j+16 of qh << 4) - 16, each times d. Port of ggml's
 * dequantize_row_q5_0 / quantize_row_q5_0_ref (ggml-org/ggml src/ggml-quants.c, MIT).
 */
import { F16_BITS, fround, putF16 } from "./common.js";
import type { QuantKernel } from "./kernel.js";

const QK = 32;
const BYTES = 22;

export const q5_0: QuantKernel = {
  name: "Q5_0",
  blockSize: QK,
  blockBytes: BYTES,
  dequantize(src, dst, nBlocks) {
    const f16 = F16_BITS;
    const v = new DataView(src.buffer, src.byteOffset, src.byteLength);
    for (let b = 0, o = 0, y = 0; b < nBlocks; b++, o += BYTES) {
      const d = f16[v.getUint16(o, true)] as number;
      const qh = v.getInt32(o + 2, true);
      for (let l = 0; l < 16; l += 4, y += 4) {
        const w = v.getInt32(o + 6 + l, true);
        const h = qh >>> l; // bit l + k of qh is the 5th bit of value l + k
        dst[y] = (((w & 15) | ((h << 4) & 16)) - 16) * d;
        dst[y + 1] = ((((w >> 8) & 15) | ((h << 3) & 16)) - 16) * d;
        dst[y + 2] = ((((w >> 16) & 15) | ((h << 2) & 16)) - 16) * d;
        dst[y + 3] = ((((w >> 24) & 15) | ((h << 1) & 16)) - 16) * d;
      }
      for (let l = 0; l < 16; l += 4, y += 4) {
        const w = v.getInt32(o + 6 + l, true);
        const h = qh >>> (l + 16);
        dst[y] = ((((w >> 4) & 15) | ((h << 4) & 16)) - 16) * d;
        dst[y + 1] = ((((w >> 12) & 15) | ((h << 3) & 16)) - 16) * d;
        dst[y + 2] = ((((w >> 20) & 15) | ((h << 2) & 16)) - 16) * d;
        dst[y + 3] = ((((w >>> 28) & 15) | ((h << 1) & 16)) - 16) * d;
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
      const d = fround(max / -16);
      const id = d !== 0 ? fround(1 / d) : 0;
      putF16(dst, o, d);
      let qh = 0;
      for (let j = 0; j < 16; j++) {
        const x0 = fround((src[x + j] as number) * id);
        const x1 = fround((src[x + 16 + j] as number) * id);
        const xi0 = Math.min(31, Math.trunc(fround(x0 + 16.5)));
        const xi1 = Math.min(31, Math.trunc(fround(x1 + 16.5)));
        dst[o + 6 + j] = (xi0 & 15) | ((xi1 & 15) << 4);
        qh |= ((xi0 & 0x10) >> 4) << j;
        qh |= ((xi1 & 0x10) >> 4) << (j + 16);
      }
      dst[o + 2] = qh & 0xff;
      dst[o + 3] = (qh >>> 8) & 0xff;
      dst[o + 4] = (qh >>> 16) & 0xff;
      dst[o + 5] = (qh >>> 24) & 0xff;
    }
  },
};
