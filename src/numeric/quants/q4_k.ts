/**
 * @module numeric/quants/q4_k
 * Q4_K: super-blocks of 256 values, `d: f16`, `dmin: f16`, `scales[12]` (eight 6-bit scale/min pairs),
 * `qs[128]`. Four chunks of 64 values each use 32 qs bytes: low nibbles with pair 2c, then high nibbles
 * with pair 2c+1; value = (d*sc) * q - dmin*m. Port of ggml's dequantize_row_q4_K /
 * quantize_row_q4_K_ref (ggml-org/ggml src/ggml-quants.c, MIT).
 */
import { F16_BITS, f16At, fround, nearestInt, putF16 } from "./common.js";
import { makeQkx2Quants, minK4, packScalesK4, scaleK4 } from "./k-common.js";
import type { QuantKernel } from "./kernel.js";

const QK = 256;
const BYTES = 144;

export const q4_K: QuantKernel = {
  name: "Q4_K",
  blockSize: QK,
  blockBytes: BYTES,
  dequantize(src, dst, nBlocks) {
    // d and dmin are f16 (11 significant bits) and the scales 6-bit, so d*sc, dmin*m and d*sc*q are exact
    // in float32: each value is rounded once, at the store, as in ggml.
    const f16 = F16_BITS;
    const v = new DataView(src.buffer, src.byteOffset, src.byteLength);
    for (let b = 0, o = 0, y = 0; b < nBlocks; b++, o += BYTES) {
      const d = f16[v.getUint16(o, true)] as number;
      const min = f16[v.getUint16(o + 2, true)] as number;
      for (let c = 0; c < 4; c++) {
        const d1 = d * scaleK4(2 * c, src, o + 4);
        const m1 = min * minK4(2 * c, src, o + 4);
        const d2 = d * scaleK4(2 * c + 1, src, o + 4);
        const m2 = min * minK4(2 * c + 1, src, o + 4);
        const qo = o + 16 + 32 * c;
        for (let l = 0; l < 32; l += 4, y += 4) {
          const w = v.getInt32(qo + l, true);
          dst[y] = d1 * (w & 15) - m1;
          dst[y + 1] = d1 * ((w >> 8) & 15) - m1;
          dst[y + 2] = d1 * ((w >> 16) & 15) - m1;
          dst[y + 3] = d1 * ((w >> 24) & 15) - m1;
        }
        for (let l = 0; l < 32; l += 4, y += 4) {
          const w = v.getInt32(qo + l, true);
          dst[y] = d2 * ((w >> 4) & 15) - m2;
          dst[y + 1] = d2 * ((w >> 12) & 15) - m2;
          dst[y + 2] = d2 * ((w >> 20) & 15) - m2;
          dst[y + 3] = d2 * ((w >>> 28) & 15) - m2;
        }
      }
    }
  },
  quantize(src, dst, nBlocks) {
    const L = new Uint8Array(QK);
    const Laux = new Uint8Array(32);
    const weights = new Float32Array(32);
    const mins = new Float32Array(8);
    const scales = new Float32Array(8);
    const ls = new Uint8Array(8);
    const lm = new Uint8Array(8);
    const out = new Float32Array(2);
    const F01 = fround(0.1);
    for (let b = 0, o = 0, x = 0; b < nBlocks; b++, o += BYTES, x += QK) {
      let maxScale = 0;
      let maxMin = 0;
      for (let j = 0; j < 8; j++) {
        const xj = x + 32 * j;
        let sumX2 = 0;
        for (let l = 0; l < 32; l++) {
          const v = src[xj + l] as number;
          sumX2 = fround(sumX2 + fround(v * v));
        }
        const avX = fround(Math.sqrt(fround(sumX2 / 32)));
        for (let l = 0; l < 32; l++) weights[l] = fround(avX + Math.abs(src[xj + l] as number));
        makeQkx2Quants(32, 15, src, xj, weights, L, 32 * j, Laux, -1, F01, 20, false, out);
        scales[j] = out[0] as number;
        mins[j] = out[1] as number;
        if ((scales[j] as number) > maxScale) maxScale = scales[j] as number;
        if ((mins[j] as number) > maxMin) maxMin = mins[j] as number;
      }
      const invScale = maxScale > 0 ? fround(63 / maxScale) : 0;
      const invMin = maxMin > 0 ? fround(63 / maxMin) : 0;
      for (let j = 0; j < 8; j++) {
        ls[j] = Math.min(63, nearestInt(fround(invScale * (scales[j] as number))) & 0xff);
        lm[j] = Math.min(63, nearestInt(fround(invMin * (mins[j] as number))) & 0xff);
      }
      packScalesK4(dst, o + 4, ls, lm);
      putF16(dst, o, fround(maxScale / 63));
      putF16(dst, o + 2, fround(maxMin / 63));
      const dh = f16At(dst, o);
      const mh = f16At(dst, o + 2);
      for (let j = 0; j < 8; j++) {
        const d = fround(dh * scaleK4(j, dst, o + 4));
        if (d === 0) continue;
        const dm = fround(mh * minK4(j, dst, o + 4));
        for (let ii = 0; ii < 32; ii++) {
          const l = nearestInt(fround(fround((src[x + 32 * j + ii] as number) + dm) / d));
          L[32 * j + ii] = Math.max(0, Math.min(15, l));
        }
      }
      for (let j = 0; j < QK; j += 64) {
        const qo = o + 16 + j / 2;
        for (let l = 0; l < 32; l++) dst[qo + l] = (L[j + l] as number) | ((L[j + l + 32] as number) << 4);
      }
    }
  },
};
