/**
 * @module numeric/quants/q2_k
 * Q2_K: super-blocks of 256 values, `scales[16]` (4-bit scale | 4-bit min), `qs[64]`, `d: f16`,
 * `dmin: f16`. Two halves of 128 values use 32 qs bytes each; for shifts 0, 2, 4, 6: 16 values from bytes
 * 0..15 then 16 from bytes 16..31, each ((byte >> shift) & 3), with the next scale byte sc:
 * value = (d*(sc & 15)) * q - dmin*(sc >> 4). Port of ggml's dequantize_row_q2_K /
 * quantize_row_q2_K_ref (ggml-org/ggml src/ggml-quants.c, MIT).
 */
import { F16_BITS, f16At, fround, nearestInt, putF16 } from "./common.js";
import { makeQkx2Quants } from "./k-common.js";
import type { QuantKernel } from "./kernel.js";
import { dequantizeWasm } from "./wasm-dequant.js";

const QK = 256;
const BYTES = 84;

/** The JS decoder (runtimes without WebAssembly SIMD; the reference the kernel is tested against). */
export function dequantizeQ2KJs(src: Uint8Array, dst: Float32Array, nBlocks: number): void {
  // d*(sc&15)*q needs at most 17 bits and dmin*(sc>>4) 15: exact in float32, so each value is rounded
  // once, at the store, as in ggml.
  const f16 = F16_BITS;
  const v = new DataView(src.buffer, src.byteOffset, src.byteLength);
  for (let b = 0, o = 0, y = 0; b < nBlocks; b++, o += BYTES) {
    const d = f16[v.getUint16(o + 80, true)] as number;
    const min = f16[v.getUint16(o + 82, true)] as number;
    let is = o;
    for (let n = 0; n < 2; n++) {
      const q = o + 16 + 32 * n;
      for (let shift = 0; shift < 8; shift += 2) {
        for (let part = 0; part < 32; part += 16) {
          const sc = src[is++] as number;
          const dl = d * (sc & 15);
          const ml = min * (sc >> 4);
          for (let l = part; l < part + 16; l += 8, y += 8) {
            const w = v.getInt32(q + l, true) >>> shift;
            const w2 = v.getInt32(q + l + 4, true) >>> shift;
            dst[y] = dl * (w & 3) - ml;
            dst[y + 1] = dl * ((w >> 8) & 3) - ml;
            dst[y + 2] = dl * ((w >> 16) & 3) - ml;
            dst[y + 3] = dl * ((w >>> 24) & 3) - ml;
            dst[y + 4] = dl * (w2 & 3) - ml;
            dst[y + 5] = dl * ((w2 >> 8) & 3) - ml;
            dst[y + 6] = dl * ((w2 >> 16) & 3) - ml;
            dst[y + 7] = dl * ((w2 >>> 24) & 3) - ml;
          }
        }
      }
    }
  }
}

export const q2_K: QuantKernel = {
  name: "Q2_K",
  blockSize: QK,
  blockBytes: BYTES,
  dequantize(src, dst, nBlocks) {
    if (!dequantizeWasm("q2k", BYTES, src, dst, nBlocks)) dequantizeQ2KJs(src, dst, nBlocks);
  },
  quantize(src, dst, nBlocks) {
    const L = new Uint8Array(QK);
    const Laux = new Uint8Array(16);
    const weights = new Float32Array(16);
    const mins = new Float32Array(16);
    const scales = new Float32Array(16);
    const out = new Float32Array(2);
    const F01 = fround(0.1);
    for (let b = 0, o = 0, x = 0; b < nBlocks; b++, o += BYTES, x += QK) {
      let maxScale = 0;
      let maxMin = 0;
      for (let j = 0; j < 16; j++) {
        for (let l = 0; l < 16; l++) weights[l] = Math.abs(src[x + 16 * j + l] as number);
        makeQkx2Quants(16, 3, src, x + 16 * j, weights, L, 16 * j, Laux, -0.5, F01, 15, true, out);
        scales[j] = out[0] as number;
        mins[j] = out[1] as number;
        if ((scales[j] as number) > maxScale) maxScale = scales[j] as number;
        if ((mins[j] as number) > maxMin) maxMin = mins[j] as number;
      }
      if (maxScale > 0) {
        const iscale = fround(15 / maxScale);
        for (let j = 0; j < 16; j++) dst[o + j] = nearestInt(fround(iscale * (scales[j] as number))) & 0xff;
        putF16(dst, o + 80, fround(maxScale / 15));
      } else {
        dst.fill(0, o, o + 16);
        putF16(dst, o + 80, 0);
      }
      if (maxMin > 0) {
        const iscale = fround(15 / maxMin);
        for (let j = 0; j < 16; j++) dst[o + j] = ((dst[o + j] as number) | (nearestInt(fround(iscale * (mins[j] as number))) << 4)) & 0xff;
        putF16(dst, o + 82, fround(maxMin / 15));
      } else {
        putF16(dst, o + 82, 0);
      }
      const dh = f16At(dst, o + 80);
      const mh = f16At(dst, o + 82);
      for (let j = 0; j < 16; j++) {
        const sc = dst[o + j] as number;
        const d = fround(dh * (sc & 15));
        if (d === 0) continue;
        const dm = fround(mh * (sc >> 4));
        for (let ii = 0; ii < 16; ii++) {
          const l = nearestInt(fround(fround((src[x + 16 * j + ii] as number) + dm) / d));
          L[16 * j + ii] = Math.max(0, Math.min(3, l));
        }
      }
      for (let j = 0; j < QK; j += 128) {
        const qo = o + 16 + j / 4;
        for (let l = 0; l < 32; l++) {
          dst[qo + l] = (L[j + l] as number) | ((L[j + l + 32] as number) << 2) | ((L[j + l + 64] as number) << 4) | ((L[j + l + 96] as number) << 6);
        }
      }
    }
  },
};
