/**
 * @module numeric/quants/q4_k
 * Q4_K: super-blocks of 256 values, `d: f16`, `dmin: f16`, `scales[12]` (eight 6-bit scale/min pairs),
 * `qs[128]`. Four chunks of 64 values each use 32 qs bytes: low nibbles with pair 2c, then high nibbles
 * with pair 2c+1; value = (d*sc) * q - dmin*m. Port of ggml's dequantize_row_q4_K /
 * quantize_row_q4_K_ref (ggml-org/ggml src/ggml-quants.c, MIT).
 */
import { F16_BITS } from "./common.js";
import { k4Scratch, minK4, quantizeBlockK4, scaleK4 } from "./k-common.js";
import type { QuantKernel } from "./kernel.js";
import { dequantizeWasm } from "./wasm-dequant.js";

const QK = 256;
const BYTES = 144;

/** The JS decoder (runtimes without WebAssembly SIMD; the reference the kernel is tested against). */
export function dequantizeQ4KJs(src: Uint8Array, dst: Float32Array, nBlocks: number): void {
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
}

export const q4_K: QuantKernel = {
  name: "Q4_K",
  blockSize: QK,
  blockBytes: BYTES,
  dequantize(src, dst, nBlocks) {
    if (!dequantizeWasm("q4k", BYTES, src, dst, nBlocks)) dequantizeQ4KJs(src, dst, nBlocks);
  },
  quantize(src, dst, nBlocks) {
    const L = new Uint8Array(QK);
    const scratch = k4Scratch();
    for (let b = 0, o = 0, x = 0; b < nBlocks; b++, o += BYTES, x += QK) {
      quantizeBlockK4(src, x, dst, o, 15, -1, 20, L, scratch);
      for (let j = 0; j < QK; j += 64) {
        const qo = o + 16 + j / 2;
        for (let l = 0; l < 32; l++) dst[qo + l] = (L[j + l] as number) | ((L[j + l + 32] as number) << 4);
      }
    }
  },
};
