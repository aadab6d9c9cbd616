/**
 * @module numeric/quants/mxfp4
 * MXFP4: blocks of 32 values, `e: E8M0` then `qs[16]`; value j = FP4(qs[j] & 15) * 2^(e-127), value
 * j+16 = FP4(qs[j] >> 4) * 2^(e-127). Port of ggml's dequantize_row_mxfp4 / quantize_row_mxfp4_ref
 * (ggml-org/ggml src/ggml-quants.c, MIT).
 */
import { fround } from "./common.js";
import type { QuantKernel } from "./kernel.js";
import { E8M0_HALF, KVALUES_FP4 } from "./tables.js";

const QK = 32;
const BYTES = 17;

/** ggml's best_index_mxfp4: the FP4 code whose value times `e` is nearest `x` (first one on ties). */
export function bestIndexFp4(x: number, e: number): number {
  const kv = KVALUES_FP4;
  let best = 0;
  let bestErr = Math.abs(fround(fround((kv[0] as number) * e) - x));
  for (let i = 1; i < 16; i++) {
    const err = Math.abs(fround(fround((kv[i] as number) * e) - x));
    if (err < bestErr) {
      best = i;
      bestErr = err;
    }
  }
  return best;
}

export const mxfp4: QuantKernel = {
  name: "MXFP4",
  blockSize: QK,
  blockBytes: BYTES,
  dequantize(src, dst, nBlocks) {
    const kv = KVALUES_FP4;
    const v = new DataView(src.buffer, src.byteOffset, src.byteLength);
    for (let b = 0, o = 0, y = 0; b < nBlocks; b++, o += BYTES) {
      const d = E8M0_HALF[src[o] as number] as number;
      for (let l = 0; l < 16; l += 4, y += 4) {
        const w = v.getInt32(o + 1 + l, true);
        dst[y] = (kv[w & 15] as number) * d;
        dst[y + 1] = (kv[(w >> 8) & 15] as number) * d;
        dst[y + 2] = (kv[(w >> 16) & 15] as number) * d;
        dst[y + 3] = (kv[(w >> 24) & 15] as number) * d;
      }
      for (let l = 0; l < 16; l += 4, y += 4) {
        const w = v.getInt32(o + 1 + l, true);
        dst[y] = (kv[(w >> 4) & 15] as number) * d;
        dst[y + 1] = (kv[(w >> 12) & 15] as number) * d;
        dst[y + 2] = (kv[(w >> 20) & 15] as number) * d;
        dst[y + 3] = (kv[(w >>> 28) & 15] as number) * d;
      }
    }
  },
  quantize(src, dst, nBlocks) {
    for (let b = 0, o = 0, x = 0; b < nBlocks; b++, o += BYTES, x += QK) {
      let amax = 0;
      for (let j = 0; j < QK; j++) {
        const a = Math.abs(src[x + j] as number);
        if (amax < a) amax = a;
      }
      // (uint8_t)(floorf(log2f(amax)) - 2 + 127); the conversion keeps the low 8 bits as x86 does
      const e = amax > 0 ? (Math.floor(fround(Math.log2(amax))) - 2 + 127) & 0xff : 0;
      const d = E8M0_HALF[e] as number;
      dst[o] = e;
      for (let j = 0; j < 16; j++) {
        const x0 = bestIndexFp4(src[x + j] as number, d);
        const x1 = bestIndexFp4(src[x + 16 + j] as number, d);
        dst[o + 1 + j] = x0 | (x1 << 4);
      }
    }
  },
};
