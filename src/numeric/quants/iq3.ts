/**
 * @module numeric/quants/iq3
 * The 3-bit codebook types: each group of 4 values is a grid point, with per-value signs and a scale per
 * 32 values.
 * - IQ3_XXS (98 bytes / 256): `d: f16`, `qs[64]` (grid indices), then per 32 values a u32 holding 4x7 sign
 *   bits (via ksigns_iq2xs) and a 4-bit scale s on top; db = d * (0.5 + s) * 0.5.
 * - IQ3_S (110 bytes): `d`, `qs[64]` (low index bytes), `qh[8]` (9th index bits), `signs[32]`,
 *   `scales[4]` (two 4-bit scales each); db = d * (1 + 2 * nibble).
 * Value = (db * grid) * (+1 or -1), rounded once as in ggml. Port of ggml's dequantize_row_iq3_xxs /
 * _iq3_s (ggml-org/ggml src/ggml-quants.c, MIT).
 */
import { F16_BITS, fround } from "./common.js";
import { IQ3S_GRID, IQ3XXS_GRID, KSIGNS_IQ2XS } from "./iq-grids.js";
import type { QuantKernel } from "./kernel.js";

const QK = 256;

/** Four values (db * grid[g..g+4)) * (bit j of signs ? -1 : 1). */
function put4(dst: Float32Array, y: number, grid: Uint8Array, g: number, db: number, signs: number): void {
  dst[y] = db * (grid[g] as number) * (1 - ((signs << 1) & 2));
  dst[y + 1] = db * (grid[g + 1] as number) * (1 - (signs & 2));
  dst[y + 2] = db * (grid[g + 2] as number) * (1 - ((signs >> 1) & 2));
  dst[y + 3] = db * (grid[g + 3] as number) * (1 - ((signs >> 2) & 2));
}

export const iq3_xxs: QuantKernel = {
  name: "IQ3_XXS",
  blockSize: QK,
  blockBytes: 98,
  dequantize(src, dst, nBlocks) {
    const f16 = F16_BITS;
    const v = new DataView(src.buffer, src.byteOffset, src.byteLength);
    for (let b = 0, o = 0, y = 0; b < nBlocks; b++, o += 98) {
      const d = f16[v.getUint16(o, true)] as number;
      for (let ib = 0; ib < 8; ib++) {
        const aux = v.getUint32(o + 66 + 4 * ib, true);
        const db = fround(fround(d * (0.5 + (aux >>> 28))) * 0.5);
        const qs = o + 2 + 8 * ib;
        for (let l = 0; l < 4; l++, y += 8) {
          const signs = KSIGNS_IQ2XS[(aux >>> (7 * l)) & 127] as number;
          put4(dst, y, IQ3XXS_GRID, 4 * (src[qs + 2 * l] as number), db, signs);
          put4(dst, y + 4, IQ3XXS_GRID, 4 * (src[qs + 2 * l + 1] as number), db, signs >> 4);
        }
      }
    }
  },
};

export const iq3_s: QuantKernel = {
  name: "IQ3_S",
  blockSize: QK,
  blockBytes: 110,
  dequantize(src, dst, nBlocks) {
    const f16 = F16_BITS;
    for (let b = 0, o = 0, y = 0; b < nBlocks; b++, o += 110) {
      const d = f16[(src[o] as number) | ((src[o + 1] as number) << 8)] as number;
      for (let ib = 0; ib < 8; ib++) {
        const sc = src[o + 106 + (ib >> 1)] as number;
        const db = fround(d * (1 + 2 * (ib & 1 ? sc >> 4 : sc & 15)));
        const qh = src[o + 66 + ib] as number;
        const qs = o + 2 + 8 * ib;
        for (let l = 0; l < 4; l++, y += 8) {
          const signs = src[o + 74 + 4 * ib + l] as number;
          const i1 = (src[qs + 2 * l] as number) | ((qh << (8 - 2 * l)) & 256);
          const i2 = (src[qs + 2 * l + 1] as number) | ((qh << (7 - 2 * l)) & 256);
          put4(dst, y, IQ3S_GRID, 4 * i1, db, signs);
          put4(dst, y + 4, IQ3S_GRID, 4 * i2, db, signs >> 4);
        }
      }
    }
  },
};
