/**
 * @module numeric/quants/nvfp4
 * NVFP4: blocks of 64 values, `d[4]: UE4M3` (one scale per 16 values) then `qs[32]`; sub-block s uses
 * qs[8s..8s+8): low nibbles give its first 8 values, high nibbles the next 8, each FP4(nibble) * d[s].
 * Port of ggml's dequantize_row_nvfp4 / quantize_row_nvfp4_ref (ggml-org/ggml src/ggml-quants.c,
 * src/ggml-impl.h for the UE4M3 helpers, MIT). The per-tensor scale NVFP4 often carries lives outside
 * the block in ggml and is not applied here.
 */
import { fround } from "./common.js";
import type { QuantKernel } from "./kernel.js";
import { bestIndexFp4 } from "./mxfp4.js";
import { KVALUES_FP4, UE4M3_HALF } from "./tables.js";

const QK = 64;
const BYTES = 36;

const fbuf = new Float32Array(1);
const ubuf = new Uint32Array(fbuf.buffer);

/** ggml_fp32_to_ue4m3: positive float -> UE4M3 byte (round half up on the mantissa, saturating at 0x7E). */
export function fp32ToUe4m3(value: number): number {
  if (!(value > 0)) return 0;
  let x = value;
  if (x > 448) x = 448;
  fbuf[0] = x;
  const bits = ubuf[0] as number;
  const fexp = ((bits >>> 23) & 0xff) - 127;
  const fman = (bits >>> 20) & 7;
  let exp = fexp + 7;
  if (exp <= 0) {
    let man = Math.trunc(fround(fround(x * 512) + 0.5));
    if (man > 7) man = 7;
    if (man < 1) return 0;
    return man;
  }
  if (exp >= 15) return 0x7e;
  let man = fman + ((bits >>> 19) & 1);
  if (man > 7) {
    man = 0;
    exp++;
    if (exp >= 15) return 0x7e;
  }
  return (exp << 3) | man;
}

export const nvfp4: QuantKernel = {
  name: "NVFP4",
  blockSize: QK,
  blockBytes: BYTES,
  dequantize(src, dst, nBlocks) {
    const kv = KVALUES_FP4;
    const v = new DataView(src.buffer, src.byteOffset, src.byteLength);
    for (let b = 0, o = 0, y = 0; b < nBlocks; b++, o += BYTES) {
      for (let s = 0; s < 4; s++, y += 16) {
        const d = UE4M3_HALF[src[o + s] as number] as number;
        const w0 = v.getInt32(o + 4 + 8 * s, true);
        const w1 = v.getInt32(o + 8 + 8 * s, true);
        dst[y] = (kv[w0 & 15] as number) * d;
        dst[y + 1] = (kv[(w0 >> 8) & 15] as number) * d;
        dst[y + 2] = (kv[(w0 >> 16) & 15] as number) * d;
        dst[y + 3] = (kv[(w0 >> 24) & 15] as number) * d;
        dst[y + 4] = (kv[w1 & 15] as number) * d;
        dst[y + 5] = (kv[(w1 >> 8) & 15] as number) * d;
        dst[y + 6] = (kv[(w1 >> 16) & 15] as number) * d;
        dst[y + 7] = (kv[(w1 >> 24) & 15] as number) * d;
        dst[y + 8] = (kv[(w0 >> 4) & 15] as number) * d;
        dst[y + 9] = (kv[(w0 >> 12) & 15] as number) * d;
        dst[y + 10] = (kv[(w0 >> 20) & 15] as number) * d;
        dst[y + 11] = (kv[(w0 >>> 28) & 15] as number) * d;
        dst[y + 12] = (kv[(w1 >> 4) & 15] as number) * d;
        dst[y + 13] = (kv[(w1 >> 12) & 15] as number) * d;
        dst[y + 14] = (kv[(w1 >> 20) & 15] as number) * d;
        dst[y + 15] = (kv[(w1 >>> 28) & 15] as number) * d;
      }
    }
  },
  quantize(src, dst, nBlocks) {
    for (let b = 0, o = 0, x = 0; b < nBlocks; b++, o += BYTES, x += QK) {
      for (let s = 0; s < 4; s++) {
        const xb = x + 16 * s;
        let amax = 0;
        for (let j = 0; j < 16; j++) {
          const a = Math.abs(src[xb + j] as number);
          if (amax < a) amax = a;
        }
        const ue = fp32ToUe4m3(fround(amax / 6));
        dst[o + s] = ue;
        const d = UE4M3_HALF[ue] as number;
        for (let j = 0; j < 8; j++) {
          const x0 = bestIndexFp4(src[xb + j] as number, d);
          const x1 = bestIndexFp4(src[xb + 8 + j] as number, d);
          dst[o + 4 + 8 * s + j] = x0 | (x1 << 4);
        }
      }
    }
  },
};
