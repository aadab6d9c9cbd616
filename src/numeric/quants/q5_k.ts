/**
 * @module numeric/quants/q5_k
 * Q5_K: super-blocks of 256 values, `d: f16`, `dmin: f16`, `scales[12]`, `qh[32]`, `qs[128]`. As Q4_K,
 * plus a fifth bit: chunk c takes bit 2c of qh[l] for its low-nibble group and bit 2c+1 for its high-nibble
 * group (adds 16). Port of ggml's dequantize_row_q5_K / quantize_row_q5_K_ref
 * (ggml-org/ggml src/ggml-quants.c, MIT).
 */
import { F16_BITS, f16At, fround, nearestInt, putF16 } from "./common.js";
import { makeQkx2Quants, minK4, packScalesK4, scaleK4 } from "./k-common.js";
import type { QuantKernel } from "./kernel.js";

const QK = 256;
const BYTES = 176;

export const q5_K: QuantKernel = {
  name: "Q5_K",
  blockSize: QK,
  blockBytes: BYTES,
  dequantize(src, dst, nBlocks) {
    // As Q4_K: d*sc*q needs at most 22 bits, so every value is rounded once, at the store.
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
        const qo = o + 48 + 32 * c;
        // bit 2c (low group) / 2c+1 (high group) of each qh byte, moved to bit 4 of a byte lane
        const s1 = 2 * c;
        for (let l = 0; l < 32; l += 4, y += 4) {
          const w = v.getInt32(qo + l, true);
          const h = (v.getInt32(o + 16 + l, true) >>> s1) << 4;
          dst[y] = d1 * ((w & 15) | (h & 16)) - m1;
          dst[y + 1] = d1 * (((w >> 8) & 15) | ((h >> 8) & 16)) - m1;
          dst[y + 2] = d1 * (((w >> 16) & 15) | ((h >> 16) & 16)) - m1;
          dst[y + 3] = d1 * (((w >> 24) & 15) | ((h >>> 24) & 16)) - m1;
        }
        for (let l = 0; l < 32; l += 4, y += 4) {
          const w = v.getInt32(qo + l, true);
          const h = (v.getInt32(o + 16 + l, true) >>> s1) << 3;
          dst[y] = d2 * (((w >> 4) & 15) | (h & 16)) - m2;
          dst[y + 1] = d2 * (((w >> 12) & 15) | ((h >> 8) & 16)) - m2;
          dst[y + 2] = d2 * (((w >> 20) & 15) | ((h >> 16) & 16)) - m2;
          dst[y + 3] = d2 * (((w >>> 28) & 15) | ((h >>> 24) & 16)) - m2;
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
        makeQkx2Quants(32, 31, src, xj, weights, L, 32 * j, Laux, -0.5, F01, 15, false, out);
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
          L[32 * j + ii] = Math.max(0, Math.min(31, l));
        }
      }
      dst.fill(0, o + 16, o + 48);
      let m1 = 1;
      let m2 = 2;
      for (let n = 0; n < QK; n += 64) {
        const qo = o + 48 + n / 2;
        for (let j = 0; j < 32; j++) {
          let l1 = L[n + j] as number;
          if (l1 > 15) {
            l1 -= 16;
            dst[o + 16 + j] = (dst[o + 16 + j] as number) | m1;
          }
          let l2 = L[n + j + 32] as number;
          if (l2 > 15) {
            l2 -= 16;
            dst[o + 16 + j] = (dst[o + 16 + j] as number) | m2;
          }
          dst[qo + j] = l1 | (l2 << 4);
        }
        m1 <<= 2;
        m2 <<= 2;
      }
    }
  },
};
