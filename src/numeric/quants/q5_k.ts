/**
 * @module numeric/quants/q5_k
 * Q5_K: super-blocks of 256 values, `d: f16`, `dmin: f16`, `scales[12]`, `qh[32]`, `qs[128]`. As Q4_K,
 * plus a fifth bit: chunk c takes bit 2c of qh[l] for its low-nibble group and bit 2c+1 for its high-nibble
 * group (adds 16). Port of ggml's dequantize_row_q5_K / quantize_row_q5_K_ref
 * (ggml-org/ggml src/ggml-quants.c, MIT).
 */
import { F16_BITS } from "./common.js";
import { k4Scratch, minK4, quantizeBlockK4, scaleK4 } from "./k-common.js";
import type { QuantKernel } from "./kernel.js";
import { dequantizeWasm } from "./wasm-dequant.js";

const QK = 256;
const BYTES = 176;

/** The JS decoder (runtimes without WebAssembly SIMD; the reference the kernel is tested against). */
export function dequantizeQ5KJs(src: Uint8Array, dst: Float32Array, nBlocks: number): void {
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
}

export const q5_K: QuantKernel = {
  name: "Q5_K",
  blockSize: QK,
  blockBytes: BYTES,
  dequantize(src, dst, nBlocks) {
    if (!dequantizeWasm("q5k", BYTES, src, dst, nBlocks)) dequantizeQ5KJs(src, dst, nBlocks);
  },
  quantize(src, dst, nBlocks) {
    const L = new Uint8Array(QK);
    const scratch = k4Scratch();
    for (let b = 0, o = 0, x = 0; b < nBlocks; b++, o += BYTES, x += QK) {
      quantizeBlockK4(src, x, dst, o, 31, -0.5, 15, L, scratch);
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
