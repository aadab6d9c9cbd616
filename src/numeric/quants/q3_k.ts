/**
 * @module numeric/quants/q3_k
 * Q3_K: super-blocks of 256 values, `hmask[32]`, `qs[64]`, `scales[12]` (sixteen 6-bit signed scales),
 * `d: f16`. Output order as Q2_K; the high bit of each 3-bit value is bit m of hmask[l] (l = byte index
 * 0..31, m counting shift steps over both halves); value = (d*(scale-32)) * (q2 - (bit set ? 0 : 4)).
 * Port of ggml's dequantize_row_q3_K / quantize_row_q3_K_ref (ggml-org/ggml src/ggml-quants.c, MIT).
 */
import { F16_BITS, f16At, fround, nearestInt, putF16 } from "./common.js";
import { makeQ3Quants } from "./k-common.js";
import type { QuantKernel } from "./kernel.js";
import { dequantizeWasm } from "./wasm-dequant.js";

const QK = 256;
const BYTES = 110;

/** The sixteen 6-bit scales (minus 32) of the block at src[o], into out[0..16). */
function unpackScales(src: Uint8Array, o: number, out: Int8Array): void {
  const s = o + 96;
  for (let j = 0; j < 16; j++) {
    const low = j < 8 ? (src[s + j] as number) & 15 : (src[s + j - 8] as number) >> 4;
    const high = ((src[s + 8 + (j & 3)] as number) >> (2 * (j >> 2))) & 3;
    out[j] = (low | (high << 4)) - 32;
  }
}

const SC = new Int8Array(16);

/** The JS decoder (runtimes without WebAssembly SIMD; the reference the kernel is tested against). */
export function dequantizeQ3KJs(src: Uint8Array, dst: Float32Array, nBlocks: number): void {
  // d*(scale-32) and its product with q need at most 20 significant bits: exact in float32, as in ggml.
  const sc = SC;
  const f16 = F16_BITS;
  const v = new DataView(src.buffer, src.byteOffset, src.byteLength);
  for (let b = 0, o = 0, y = 0; b < nBlocks; b++, o += BYTES) {
    const d = f16[v.getUint16(o + 108, true)] as number;
    unpackScales(src, o, sc);
    let is = 0;
    let m = 0;
    for (let n = 0; n < 2; n++) {
      const q = o + 32 + 32 * n;
      for (let shift = 0; shift < 8; shift += 2, m++) {
        for (let part = 0; part < 32; part += 16) {
          const dl = d * (sc[is++] as number);
          for (let l = part; l < part + 16; l += 8, y += 8) {
            // 2-bit values of 8 bytes, and bit m of their hmask bytes as 4 (set) or 0 (clear) per byte lane
            const w = v.getInt32(q + l, true) >>> shift;
            const w2 = v.getInt32(q + l + 4, true) >>> shift;
            const h = ((v.getInt32(o + l, true) >>> m) & 0x01010101) << 2;
            const h2 = ((v.getInt32(o + l + 4, true) >>> m) & 0x01010101) << 2;
            dst[y] = dl * ((w & 3) + (h & 4) - 4);
            dst[y + 1] = dl * (((w >> 8) & 3) + ((h >> 8) & 4) - 4);
            dst[y + 2] = dl * (((w >> 16) & 3) + ((h >> 16) & 4) - 4);
            dst[y + 3] = dl * (((w >>> 24) & 3) + ((h >>> 24) & 4) - 4);
            dst[y + 4] = dl * ((w2 & 3) + (h2 & 4) - 4);
            dst[y + 5] = dl * (((w2 >> 8) & 3) + ((h2 >> 8) & 4) - 4);
            dst[y + 6] = dl * (((w2 >> 16) & 3) + ((h2 >> 16) & 4) - 4);
            dst[y + 7] = dl * (((w2 >>> 24) & 3) + ((h2 >>> 24) & 4) - 4);
          }
        }
      }
    }
  }
}

export const q3_K: QuantKernel = {
  name: "Q3_K",
  blockSize: QK,
  blockBytes: BYTES,
  dequantize(src, dst, nBlocks) {
    if (!dequantizeWasm("q3k", BYTES, src, dst, nBlocks)) dequantizeQ3KJs(src, dst, nBlocks);
  },
  quantize(src, dst, nBlocks) {
    const L = new Uint8Array(QK);
    const Li = new Int8Array(16);
    const scales = new Float32Array(16);
    const sc = new Int8Array(16);
    for (let b = 0, o = 0, x = 0; b < nBlocks; b++, o += BYTES, x += QK) {
      let maxScale = 0;
      let amax = 0;
      for (let j = 0; j < 16; j++) {
        const s = makeQ3Quants(16, 4, src, x + 16 * j, L, 16 * j, Li);
        scales[j] = s;
        const a = Math.abs(s);
        if (a > amax) {
          amax = a;
          maxScale = s;
        }
      }
      dst.fill(0, o + 96, o + 108);
      if (maxScale !== 0) {
        const iscale = fround(-32 / maxScale);
        for (let j = 0; j < 16; j++) {
          let l = (nearestInt(fround(iscale * (scales[j] as number))) << 24) >> 24;
          l = Math.max(-32, Math.min(31, l)) + 32;
          if (j < 8) dst[o + 96 + j] = l & 15;
          else dst[o + 96 + j - 8] = (dst[o + 96 + j - 8] as number) | ((l & 15) << 4);
          l >>= 4;
          dst[o + 96 + 8 + (j % 4)] = (dst[o + 96 + 8 + (j % 4)] as number) | (l << (2 * (j >> 2)));
        }
        putF16(dst, o + 108, fround(1 / iscale));
      } else {
        putF16(dst, o + 108, 0);
      }
      const dh = f16At(dst, o + 108);
      unpackScales(dst, o, sc);
      for (let j = 0; j < 16; j++) {
        const d = fround(dh * (sc[j] as number));
        if (d === 0) continue;
        for (let ii = 0; ii < 16; ii++) {
          const l = nearestInt(fround((src[x + 16 * j + ii] as number) / d));
          L[16 * j + ii] = Math.max(-4, Math.min(3, l)) + 4;
        }
      }
      dst.fill(0, o, o + 32);
      let m = 0;
      let hm = 1;
      for (let j = 0; j < QK; j++) {
        if ((L[j] as number) > 3) {
          dst[o + m] = (dst[o + m] as number) | hm;
          L[j] = (L[j] as number) - 4;
        }
        if (++m === 32) {
          m = 0;
          hm <<= 1;
        }
      }
      for (let j = 0; j < QK; j += 128) {
        const qo = o + 32 + j / 4;
        for (let l = 0; l < 32; l++) {
          dst[qo + l] = (L[j + l] as number) | ((L[j + l + 32] as number) << 2) | ((L[j + l + 64] as number) << 4) | ((L[j + l + 96] as number) << 6);
        }
      }
    }
  },
};
