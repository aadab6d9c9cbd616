/**
 * @module numeric/quants/tq1_0
 * TQ1_0 (ternary, base-3): blocks of 256 values, `qs[48]`, `qh[4]`, `d: f16`. Each qs byte holds 5 trits
 * and each qh byte 4, stored "fixed point": trit n of byte v is ((v * 3^n mod 256) * 3) >> 8; value =
 * (trit - 1) * d. Order: qs[0..32) in 5 passes of 32, qs[32..48) in 5 passes of 16, qh in 4 passes of 4.
 * Port of ggml's dequantize_row_tq1_0 / quantize_row_tq1_0_ref (ggml-org/ggml src/ggml-quants.c, MIT).
 */
import { F16_BITS, fround, putF16, roundf } from "./common.js";
import type { QuantKernel } from "./kernel.js";

const QK = 256;
const BYTES = 54;
const POW3 = [1, 3, 9, 27, 81, 243];

export const tq1_0: QuantKernel = {
  name: "TQ1_0",
  blockSize: QK,
  blockBytes: BYTES,
  dequantize(src, dst, nBlocks) {
    const f16 = F16_BITS;
    for (let b = 0, o = 0, y = 0; b < nBlocks; b++, o += BYTES) {
      const d = f16[(src[o + 52] as number) | ((src[o + 53] as number) << 8)] as number;
      // trit n of byte q: ((q * 3^n mod 256) * 3) >> 8
      for (let n = 0; n < 5; n++) {
        const p = POW3[n] as number;
        for (let m = 0; m < 32; m += 4, y += 4) {
          dst[y] = (((((src[o + m] as number) * p) & 255) * 3 >> 8) - 1) * d;
          dst[y + 1] = (((((src[o + m + 1] as number) * p) & 255) * 3 >> 8) - 1) * d;
          dst[y + 2] = (((((src[o + m + 2] as number) * p) & 255) * 3 >> 8) - 1) * d;
          dst[y + 3] = (((((src[o + m + 3] as number) * p) & 255) * 3 >> 8) - 1) * d;
        }
      }
      for (let n = 0; n < 5; n++) {
        const p = POW3[n] as number;
        for (let m = 32; m < 48; m += 4, y += 4) {
          dst[y] = (((((src[o + m] as number) * p) & 255) * 3 >> 8) - 1) * d;
          dst[y + 1] = (((((src[o + m + 1] as number) * p) & 255) * 3 >> 8) - 1) * d;
          dst[y + 2] = (((((src[o + m + 2] as number) * p) & 255) * 3 >> 8) - 1) * d;
          dst[y + 3] = (((((src[o + m + 3] as number) * p) & 255) * 3 >> 8) - 1) * d;
        }
      }
      for (let n = 0; n < 4; n++, y += 4) {
        const p = POW3[n] as number;
        dst[y] = (((((src[o + 48] as number) * p) & 255) * 3 >> 8) - 1) * d;
        dst[y + 1] = (((((src[o + 49] as number) * p) & 255) * 3 >> 8) - 1) * d;
        dst[y + 2] = (((((src[o + 50] as number) * p) & 255) * 3 >> 8) - 1) * d;
        dst[y + 3] = (((((src[o + 51] as number) * p) & 255) * 3 >> 8) - 1) * d;
      }
    }
  },
  quantize(src, dst, nBlocks) {
    for (let b = 0, o = 0, x0 = 0; b < nBlocks; b++, o += BYTES, x0 += QK) {
      let amax = 0;
      for (let j = 0; j < QK; j++) amax = Math.max(amax, Math.abs(src[x0 + j] as number));
      const d = amax;
      const id = d !== 0 ? fround(1 / d) : 0;
      putF16(dst, o + 52, d);
      const trit = (i: number): number => roundf(fround((src[i] as number) * id)) + 1;
      let x = x0;
      for (let m = 0; m < 32; m++) {
        let q = 0;
        for (let n = 0; n < 5; n++) q = q * 3 + trit(x + m + 32 * n);
        dst[o + m] = Math.floor((q * 256 + 242) / 243);
      }
      x += 160;
      for (let m = 0; m < 16; m++) {
        let q = 0;
        for (let n = 0; n < 5; n++) q = q * 3 + trit(x + m + 16 * n);
        dst[o + 32 + m] = Math.floor((q * 256 + 242) / 243);
      }
      x += 80;
      for (let j = 0; j < 4; j++) {
        let q = 0;
        for (let m = 0; m < 4; m++) q = q * 3 + trit(x + j + 4 * m);
        q *= 3;
        dst[o + 48 + j] = Math.floor((q * 256 + 242) / 243);
      }
    }
  },
};
