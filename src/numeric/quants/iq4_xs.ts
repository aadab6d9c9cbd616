/**
 * @module numeric/quants/iq4_xs
 * IQ4_XS: blocks of 256 values, `d: f16`, `scales_h: u16`, `scales_l[4]`, `qs[128]`. Sub-block ib (32
 * values) has the 6-bit scale ls = low nibble ib of scales_l | 2 bits ib of scales_h << 4, dl = d * (ls -
 * 32); its 16 qs bytes give 16 values from low nibbles then 16 from high nibbles, dl * kvalues_iq4nl[q].
 * Port of ggml's dequantize_row_iq4_xs / quantize_iq4_xs (ggml-org/ggml src/ggml-quants.c, MIT).
 */
import { F16_BITS } from "./common.js";
import { iq4Scratch, quantizeIq4Impl } from "./iq4_nl.js";
import type { QuantKernel } from "./kernel.js";
import { KVALUES_IQ4NL } from "./tables.js";

const QK = 256;
const BYTES = 136;

export const iq4_xs: QuantKernel = {
  name: "IQ4_XS",
  blockSize: QK,
  blockBytes: BYTES,
  dequantize(src, dst, nBlocks) {
    // d*(ls-32) is exact in float32 (f16 times a 6-bit int); dl*kvalue is rounded once, at the store.
    const kv = KVALUES_IQ4NL;
    const f16 = F16_BITS;
    const v = new DataView(src.buffer, src.byteOffset, src.byteLength);
    for (let b = 0, o = 0, y = 0; b < nBlocks; b++, o += BYTES) {
      const d = f16[v.getUint16(o, true)] as number;
      const sh = v.getUint16(o + 2, true);
      for (let ib = 0; ib < 8; ib++) {
        const ls = (((src[o + 4 + (ib >> 1)] as number) >> (4 * (ib & 1))) & 15) | (((sh >> (2 * ib)) & 3) << 4);
        const dl = d * (ls - 32);
        const q = o + 8 + 16 * ib;
        for (let l = 0; l < 16; l += 4, y += 4) {
          const w = v.getInt32(q + l, true);
          dst[y] = dl * (kv[w & 15] as number);
          dst[y + 1] = dl * (kv[(w >> 8) & 15] as number);
          dst[y + 2] = dl * (kv[(w >> 16) & 15] as number);
          dst[y + 3] = dl * (kv[(w >> 24) & 15] as number);
        }
        for (let l = 0; l < 16; l += 4, y += 4) {
          const w = v.getInt32(q + l, true);
          dst[y] = dl * (kv[(w >> 4) & 15] as number);
          dst[y + 1] = dl * (kv[(w >> 12) & 15] as number);
          dst[y + 2] = dl * (kv[(w >> 20) & 15] as number);
          dst[y + 3] = dl * (kv[(w >>> 28) & 15] as number);
        }
      }
    }
  },
  quantize(src, dst, nBlocks) {
    const s = iq4Scratch(QK);
    for (let b = 0; b < nBlocks; b++) {
      const o = b * BYTES;
      quantizeIq4Impl(QK, src, b * QK, dst, o, o + 8, o + 2, o + 4, 7, s);
    }
  },
};
