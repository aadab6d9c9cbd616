/**
 * @module numeric/quants/q8_k
 * Q8_K: blocks of 256 values, `d: f32`, `qs[256]: int8`, `bsums[16]: int16` (sums of 16 quants);
 * value = d * qs[j]. Port of ggml's dequantize_row_q8_K / quantize_row_q8_K_ref
 * (ggml-org/ggml src/ggml-quants.c, MIT).
 */
import { fround, nearestInt } from "./common.js";
import type { QuantKernel } from "./kernel.js";

const QK = 256;
const BYTES = 292;

const fbuf = new Float32Array(1);
const bbuf = new Uint8Array(fbuf.buffer);

export const q8_k: QuantKernel = {
  name: "Q8_K",
  blockSize: QK,
  blockBytes: BYTES,
  dequantize(src, dst, nBlocks) {
    for (let b = 0, o = 0, y = 0; b < nBlocks; b++, o += BYTES, y += QK) {
      bbuf[0] = src[o] as number;
      bbuf[1] = src[o + 1] as number;
      bbuf[2] = src[o + 2] as number;
      bbuf[3] = src[o + 3] as number;
      const d = fbuf[0] as number;
      for (let j = 0; j < QK; j++) dst[y + j] = d * (((src[o + 4 + j] as number) << 24) >> 24);
    }
  },
  quantize(src, dst, nBlocks) {
    for (let b = 0, o = 0, x = 0; b < nBlocks; b++, o += BYTES, x += QK) {
      let max = 0;
      let amax = 0;
      for (let j = 0; j < QK; j++) {
        const v = src[x + j] as number;
        const ax = Math.abs(v);
        if (ax > amax) {
          amax = ax;
          max = v;
        }
      }
      dst.fill(0, o, o + BYTES);
      if (amax === 0) continue;
      const iscale = fround(-127 / max);
      for (let j = 0; j < QK; j++) dst[o + 4 + j] = Math.min(127, nearestInt(fround(iscale * (src[x + j] as number)))) & 0xff;
      for (let j = 0; j < 16; j++) {
        let sum = 0;
        for (let i = 0; i < 16; i++) sum += ((dst[o + 4 + 16 * j + i] as number) << 24) >> 24;
        dst[o + 260 + 2 * j] = sum & 0xff;
        dst[o + 261 + 2 * j] = (sum >> 8) & 0xff;
      }
      fbuf[0] = 1 / iscale;
      dst[o] = bbuf[0] as number;
      dst[o + 1] = bbuf[1] as number;
      dst[o + 2] = bbuf[2] as number;
      dst[o + 3] = bbuf[3] as number;
    }
  },
};
