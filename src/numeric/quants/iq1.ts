/**
 * @module numeric/quants/iq1
 * The 1-bit codebook types: groups of 8 values are points of a grid with coordinates -1, 0, +1, shifted
 * by +-0.125 (IQ1S_DELTA) and scaled.
 * - IQ1_S (50 bytes / 256): `d: f16`, `qs[32]` (low index bytes), `qh[8]: u16` per 32 values: 4x3 high
 *   index bits, a 3-bit scale s (dl = d * (2s + 1)) and the sign of the shift in bit 15.
 * - IQ1_M (56 bytes): `qs[32]`, `qh[16]` (per 8 values: 3 high index bits and a shift-sign bit, two
 *   groups per byte), `scales[8]` read as four u16: 3-bit scales per 16 values, and the f16 super-scale
 *   assembled from the top 4 bits of each u16.
 * Port of ggml's dequantize_row_iq1_s / _iq1_m (ggml-org/ggml src/ggml-quants.c, MIT).
 */
import { F16_BITS, fround, u16At } from "./common.js";
import { IQ1S_GRID } from "./iq-grids.js";
import type { QuantKernel } from "./kernel.js";

const QK = 256;
const DELTA = 0.125;

/** Eight values dl * (grid[g..g+8) + delta). */
function put8(dst: Float32Array, y: number, g: number, dl: number, delta: number): void {
  const grid = IQ1S_GRID;
  dst[y] = dl * ((grid[g] as number) + delta);
  dst[y + 1] = dl * ((grid[g + 1] as number) + delta);
  dst[y + 2] = dl * ((grid[g + 2] as number) + delta);
  dst[y + 3] = dl * ((grid[g + 3] as number) + delta);
  dst[y + 4] = dl * ((grid[g + 4] as number) + delta);
  dst[y + 5] = dl * ((grid[g + 5] as number) + delta);
  dst[y + 6] = dl * ((grid[g + 6] as number) + delta);
  dst[y + 7] = dl * ((grid[g + 7] as number) + delta);
}

export const iq1_s: QuantKernel = {
  name: "IQ1_S",
  blockSize: QK,
  blockBytes: 50,
  dequantize(src, dst, nBlocks) {
    for (let b = 0, o = 0, y = 0; b < nBlocks; b++, o += 50) {
      const d = F16_BITS[u16At(src, o)] as number;
      for (let ib = 0; ib < 8; ib++) {
        const qh = u16At(src, o + 34 + 2 * ib);
        const dl = fround(d * (2 * ((qh >> 12) & 7) + 1));
        const delta = (qh >> 15) * -0.25 + DELTA;
        for (let l = 0; l < 4; l++, y += 8) {
          const idx = (src[o + 2 + 4 * ib + l] as number) | (((qh >> (3 * l)) & 7) << 8);
          put8(dst, y, 8 * idx, dl, delta);
        }
      }
    }
  },
};

export const iq1_m: QuantKernel = {
  name: "IQ1_M",
  blockSize: QK,
  blockBytes: 56,
  dequantize(src, dst, nBlocks) {
    for (let b = 0, o = 0, y = 0; b < nBlocks; b++, o += 56) {
      const s0 = u16At(src, o + 48);
      const s1 = u16At(src, o + 50);
      const s2 = u16At(src, o + 52);
      const s3 = u16At(src, o + 54);
      const d = F16_BITS[(s0 >> 12) | ((s1 >> 8) & 0xf0) | ((s2 >> 4) & 0xf00) | (s3 & 0xf000)] as number;
      for (let ib = 0; ib < 8; ib++) {
        const sc = u16At(src, o + 48 + 2 * (ib >> 1));
        const sh = 6 * (ib & 1);
        const dl1 = fround(d * (2 * ((sc >> sh) & 7) + 1));
        const dl2 = fround(d * (2 * ((sc >> (sh + 3)) & 7) + 1));
        const qs = o + 4 * ib;
        const qh0 = src[o + 32 + 2 * ib] as number;
        const qh1 = src[o + 33 + 2 * ib] as number;
        // the shift is -DELTA when bit 3 (first group of the byte) or bit 7 (second group) is set
        put8(dst, y, 8 * ((src[qs] as number) | ((qh0 << 8) & 0x700)), dl1, ((qh0 >> 3) & 1) * -0.25 + DELTA);
        put8(dst, y + 8, 8 * ((src[qs + 1] as number) | ((qh0 << 4) & 0x700)), dl1, (qh0 >> 7) * -0.25 + DELTA);
        put8(dst, y + 16, 8 * ((src[qs + 2] as number) | ((qh1 << 8) & 0x700)), dl2, ((qh1 >> 3) & 1) * -0.25 + DELTA);
        put8(dst, y + 24, 8 * ((src[qs + 3] as number) | ((qh1 << 4) & 0x700)), dl2, (qh1 >> 7) * -0.25 + DELTA);
        y += 32;
      }
    }
  },
};
