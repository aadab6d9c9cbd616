/**
 * @module numeric/quants/q6_k
 * Q6_K: super-blocks of 256 values, `ql[128]`, `qh[64]`, `scales[16]: int8`, `d: f16`. Two halves of 128
 * values, each with 64 ql bytes, 32 qh bytes and 8 scales; for l < 32 (is = l/16) value l+32k =
 * (d*sc[is+2k]) * (6-bit q - 32), the low 4 bits from ql (l or l+32, low then high nibble) and the top 2
 * from qh[l] >> 2k. Port of ggml's dequantize_row_q6_K / quantize_row_q6_K_ref
 * (ggml-org/ggml src/ggml-quants.c, MIT).
 */
import { F16_BITS, f16At, fround, nearestInt, putF16 } from "./common.js";
import { GROUP_MAX_EPS, makeQxQuants } from "./k-common.js";
import type { QuantKernel } from "./kernel.js";
import { dequantizeWasm } from "./wasm-dequant.js";

const QK = 256;
const BYTES = 210;

/** The JS decoder (runtimes without WebAssembly SIMD; the reference the kernel is tested against). */
export function dequantizeQ6KJs(src: Uint8Array, dst: Float32Array, nBlocks: number): void {
  // d*sc is exact in float32 (f16 times int8); (d*sc)*q is rounded once, at the store, as in ggml.
  const f16 = F16_BITS;
  const v = new DataView(src.buffer, src.byteOffset, src.byteLength);
  for (let b = 0, o = 0, y = 0; b < nBlocks; b++, o += BYTES) {
    const d = f16[v.getUint16(o + 208, true)] as number;
    for (let h = 0; h < 2; h++) {
      const qh = o + 128 + 32 * h;
      for (let g = 0; g < 4; g++) {
        // group g: ql bytes [64h + 32(g&1), +32), low nibbles for g < 2, high for g >= 2; qh bits 2g, 2g+1
        const ql = o + 64 * h + 32 * (g & 1);
        const ns = 4 * (g >> 1);
        const hs = 2 * g;
        for (let half = 0; half < 32; half += 16) {
          const ds = d * v.getInt8(o + 192 + 8 * h + 2 * g + (half >> 4));
          for (let l = half; l < half + 16; l += 4, y += 4) {
            const w = v.getInt32(ql + l, true) >>> ns;
            const hb = (v.getInt32(qh + l, true) >>> hs) << 4;
            dst[y] = ds * (((w & 15) | (hb & 48)) - 32);
            dst[y + 1] = ds * ((((w >> 8) & 15) | ((hb >> 8) & 48)) - 32);
            dst[y + 2] = ds * ((((w >> 16) & 15) | ((hb >> 16) & 48)) - 32);
            dst[y + 3] = ds * ((((w >>> 24) & 15) | ((hb >>> 24) & 48)) - 32);
          }
        }
      }
    }
  }
}

export const q6_K: QuantKernel = {
  name: "Q6_K",
  blockSize: QK,
  blockBytes: BYTES,
  dequantize(src, dst, nBlocks) {
    if (!dequantizeWasm("q6k", BYTES, src, dst, nBlocks)) dequantizeQ6KJs(src, dst, nBlocks);
  },
  quantize(src, dst, nBlocks) {
    const L = new Uint8Array(QK);
    const scales = new Float32Array(16);
    for (let b = 0, o = 0, x = 0; b < nBlocks; b++, o += BYTES, x += QK) {
      let maxScale = 0;
      let maxAbsScale = 0;
      for (let ib = 0; ib < 16; ib++) {
        const scale = makeQxQuants(16, 32, src, x + 16 * ib, L, 16 * ib);
        scales[ib] = scale;
        const absScale = Math.abs(scale);
        if (absScale > maxAbsScale) {
          maxAbsScale = absScale;
          maxScale = scale;
        }
      }
      dst.fill(0, o, o + BYTES);
      if (maxAbsScale < GROUP_MAX_EPS) continue;
      const iscale = fround(-128 / maxScale);
      putF16(dst, o + 208, fround(1 / iscale));
      for (let ib = 0; ib < 16; ib++) dst[o + 192 + ib] = Math.min(127, nearestInt(fround(iscale * (scales[ib] as number)))) & 0xff;
      const dh = f16At(dst, o + 208);
      for (let j = 0; j < 16; j++) {
        const d = fround(dh * (((dst[o + 192 + j] as number) << 24) >> 24));
        if (d === 0) continue;
        for (let ii = 0; ii < 16; ii++) {
          const l = nearestInt(fround((src[x + 16 * j + ii] as number) / d));
          L[16 * j + ii] = Math.max(-32, Math.min(31, l)) + 32;
        }
      }
      for (let j = 0; j < QK; j += 128) {
        const ql = o + j / 2;
        const qh = o + 128 + j / 4;
        for (let l = 0; l < 32; l++) {
          const q1 = L[j + l] as number;
          const q2 = L[j + l + 32] as number;
          const q3 = L[j + l + 64] as number;
          const q4 = L[j + l + 96] as number;
          dst[ql + l] = (q1 & 15) | ((q3 & 15) << 4);
          dst[ql + l + 32] = (q2 & 15) | ((q4 & 15) << 4);
          dst[qh + l] = (q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6);
        }
      }
    }
  },
};
