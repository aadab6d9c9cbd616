/**
 * @module numeric/quants/iq2
 * The 2-bit codebook types. Each group of 8 values is a grid point (bytes 0x08, 0x19, 0x2b) times a
 * per-32 (IQ2_XXS) or per-16 (IQ2_XS, IQ2_S) scale, with one sign bit per value.
 * - IQ2_XXS (66 bytes / 256): `d: f16`, then per 32 values two u32: 4 grid indices (bytes), and 4x7 sign
 *   bits (via ksigns_iq2xs) plus a 4-bit scale s on top; db = d * (0.5 + s) * 0.25.
 * - IQ2_XS (74 bytes): `d`, `qs[32]: u16` (9-bit grid index | 7 sign bits << 9), `scales[8]` (two 4-bit).
 * - IQ2_S (82 bytes): `d`, `qs[32]` grid index low bytes, `signs[32]` (8 explicit sign bits each),
 *   `qh[8]` (2 high index bits per group), `scales[8]`.
 * Value = (db * grid) * (+1 or -1), rounded once as in ggml. Port of ggml's dequantize_row_iq2_xxs /
 * _iq2_xs / _iq2_s (ggml-org/ggml src/ggml-quants.c, MIT).
 */
import { F16_BITS, fround } from "./common.js";
import { IQ2S_GRID, IQ2XS_GRID, IQ2XXS_GRID, KSIGNS_IQ2XS } from "./iq-grids.js";
import type { QuantKernel } from "./kernel.js";

const QK = 256;

/** Eight values (db * grid[g..g+8)) * (bit j of signs ? -1 : 1), written at dst[y..y+8). */
function put8(dst: Float32Array, y: number, grid: Int8Array, g: number, db: number, signs: number): void {
  dst[y] = db * (grid[g] as number) * (1 - ((signs << 1) & 2));
  dst[y + 1] = db * (grid[g + 1] as number) * (1 - (signs & 2));
  dst[y + 2] = db * (grid[g + 2] as number) * (1 - ((signs >> 1) & 2));
  dst[y + 3] = db * (grid[g + 3] as number) * (1 - ((signs >> 2) & 2));
  dst[y + 4] = db * (grid[g + 4] as number) * (1 - ((signs >> 3) & 2));
  dst[y + 5] = db * (grid[g + 5] as number) * (1 - ((signs >> 4) & 2));
  dst[y + 6] = db * (grid[g + 6] as number) * (1 - ((signs >> 5) & 2));
  dst[y + 7] = db * (grid[g + 7] as number) * (1 - ((signs >> 6) & 2));
}

export const iq2_xxs: QuantKernel = {
  name: "IQ2_XXS",
  blockSize: QK,
  blockBytes: 66,
  dequantize(src, dst, nBlocks) {
    const f16 = F16_BITS;
    const v = new DataView(src.buffer, src.byteOffset, src.byteLength);
    for (let b = 0, o = 0, y = 0; b < nBlocks; b++, o += 66) {
      const d = f16[v.getUint16(o, true)] as number;
      for (let ib = 0; ib < 8; ib++) {
        const a = o + 2 + 8 * ib;
        const aux1 = v.getUint32(a + 4, true);
        const db = fround(fround(d * (0.5 + (aux1 >>> 28))) * 0.25);
        for (let l = 0; l < 4; l++, y += 8) {
          put8(dst, y, IQ2XXS_GRID, 8 * (src[a + l] as number), db, KSIGNS_IQ2XS[(aux1 >>> (7 * l)) & 127] as number);
        }
      }
    }
  },
};

export const iq2_xs: QuantKernel = {
  name: "IQ2_XS",
  blockSize: QK,
  blockBytes: 74,
  dequantize(src, dst, nBlocks) {
    const f16 = F16_BITS;
    const v = new DataView(src.buffer, src.byteOffset, src.byteLength);
    for (let b = 0, o = 0, y = 0; b < nBlocks; b++, o += 74) {
      const d = f16[v.getUint16(o, true)] as number;
      for (let ib = 0; ib < 8; ib++) {
        const sc = src[o + 66 + ib] as number;
        const db0 = fround(fround(d * (0.5 + (sc & 15))) * 0.25);
        const db1 = fround(fround(d * (0.5 + (sc >> 4))) * 0.25);
        for (let l = 0; l < 4; l++, y += 8) {
          const q = v.getUint16(o + 2 + 8 * ib + 2 * l, true);
          put8(dst, y, IQ2XS_GRID, 8 * (q & 511), l < 2 ? db0 : db1, KSIGNS_IQ2XS[q >> 9] as number);
        }
      }
    }
  },
};

export const iq2_s: QuantKernel = {
  name: "IQ2_S",
  blockSize: QK,
  blockBytes: 82,
  dequantize(src, dst, nBlocks) {
    const f16 = F16_BITS;
    for (let b = 0, o = 0, y = 0; b < nBlocks; b++, o += 82) {
      const d = f16[(src[o] as number) | ((src[o + 1] as number) << 8)] as number;
      for (let ib = 0; ib < 8; ib++) {
        const sc = src[o + 74 + ib] as number;
        const db0 = fround(fround(d * (0.5 + (sc & 15))) * 0.25);
        const db1 = fround(fround(d * (0.5 + (sc >> 4))) * 0.25);
        const qh = src[o + 66 + ib] as number;
        for (let l = 0; l < 4; l++, y += 8) {
          const idx = (src[o + 2 + 4 * ib + l] as number) | ((qh << (8 - 2 * l)) & 0x300);
          put8(dst, y, IQ2S_GRID, 8 * idx, l < 2 ? db0 : db1, src[o + 34 + 4 * ib + l] as number);
        }
      }
    }
  },
};
