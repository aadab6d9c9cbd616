/**
 * @module numeric/quants/q8_0
 * Q8_0: blocks of 32 values, `d: f16` then `qs[32]: int8`; value = qs[j] * d.
 * Layout and reference quantizer: ggml-org/ggml src/ggml-common.h (block_q8_0), src/ggml-quants.c
 * (dequantize_row_q8_0, quantize_row_q8_0_ref). ggml is MIT-licensed. The quantizer reproduces ggml's
 * bytes exactly (tested against ggml's own output).
 */
import { f32ToF16 } from "../half.js";
import { roundf } from "../round.js";
import { F16_BITS } from "./common.js";
import type { QuantKernel } from "./kernel.js";

const QK = 32;
const BYTES = 2 + QK;

export const q8_0: QuantKernel = {
  name: "Q8_0",
  blockSize: QK,
  blockBytes: BYTES,
  dequantize(src, dst, nBlocks) {
    const f16 = F16_BITS;
    const v = new DataView(src.buffer, src.byteOffset, src.byteLength);
    for (let b = 0, o = 0, y = 0; b < nBlocks; b++, o += BYTES) {
      const d = f16[v.getUint16(o, true)] as number;
      for (let l = 0; l < QK; l += 4, y += 4) {
        const w = v.getInt32(o + 2 + l, true);
        dst[y] = ((w << 24) >> 24) * d;
        dst[y + 1] = ((w << 16) >> 24) * d;
        dst[y + 2] = ((w << 8) >> 24) * d;
        dst[y + 3] = (w >> 24) * d;
      }
    }
  },
  quantize(src, dst, nBlocks) {
    for (let b = 0; b < nBlocks; b++) {
      const x = b * QK;
      let amax = 0;
      for (let j = 0; j < QK; j++) amax = Math.max(amax, Math.abs(src[x + j] as number));
      const d = Math.fround(amax / 127);
      const id = d !== 0 ? Math.fround(1 / d) : 0;
      const h = f32ToF16(d);
      const o = b * BYTES;
      dst[o] = h & 0xff;
      dst[o + 1] = h >> 8;
      for (let j = 0; j < QK; j++) {
        const v = Math.fround((src[x + j] as number) * id);
        dst[o + 2 + j] = roundf(v) & 0xff;
      }
    }
  },
};
