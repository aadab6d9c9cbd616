/**
 * @module model/encode
 * float32 values -> bytes of a storage type (the writers' half of dtype.ts). Block-quantized types go
 * through ggml's reference quantizers (numeric/quants).
 */
import { PedigreeError } from "../errors.js";
import { f32ToF16 } from "../numeric/half.js";
import { QUANT_KERNELS } from "../numeric/quants/index.js";
import { byteLengthOf, dtypeInfo, type Dtype } from "./dtype.js";

/** Can pedigree write this dtype? */
export function canEncode(dtype: Dtype): boolean {
  if (dtype === "F32" || dtype === "F16" || dtype === "BF16") return true;
  const k = QUANT_KERNELS[dtype as keyof typeof QUANT_KERNELS];
  return k?.quantize !== undefined;
}

/**
 * Encode `values` (a whole number of blocks) as `dtype`. `scratch`, when given and large enough,
 * holds the result (a view of it is returned): a writer that writes each chunk before encoding the
 * next reuses one buffer instead of faulting in fresh pages per chunk.
 */
export function encodeValues(dtype: Dtype, values: Float32Array, scratch?: Uint8Array): Uint8Array {
  const n = values.length;
  const bytes = byteLengthOf(dtype, n);
  if (bytes === undefined) throw new PedigreeError("internal", `${n} values are not a whole number of ${dtype} blocks`);
  const reused = scratch !== undefined && scratch.length >= bytes;
  const out = reused ? scratch.subarray(0, bytes) : new Uint8Array(bytes);
  switch (dtype) {
    case "F32":
      out.set(new Uint8Array(values.buffer, values.byteOffset, n * 4));
      return out;
    case "BF16":
      encodeBf16(values, out);
      return out;
    case "F16": {
      for (let i = 0; i < n; i++) {
        const h = f32ToF16(values[i] as number);
        out[2 * i] = h & 0xff;
        out[2 * i + 1] = h >> 8;
      }
      return out;
    }
    default: {
      const k = QUANT_KERNELS[dtype as keyof typeof QUANT_KERNELS];
      if (!k?.quantize) throw new PedigreeError("unsupported", `pedigree cannot write ${dtype}`);
      if (reused) out.fill(0); // block packers may OR bits into place
      k.quantize(values, out, n / dtypeInfo(dtype).blockSize);
      return out;
    }
  }
}

/**
 * Float32 values to BF16 (round to nearest even, NaN kept quiet), read and written as integers
 * through views: f32ToBf16's rule without a call per value (the byte order is little-endian, like
 * every file format pedigree writes and every platform Node runs on).
 */
export function encodeBf16(values: Float32Array, out: Uint8Array): void {
  const n = values.length;
  const src = new Int32Array(values.buffer, values.byteOffset, n);
  if (out.byteOffset % 4 === 0 && n % 2 === 0) {
    // two values per 32-bit store, int32 arithmetic throughout (`| 0` keeps the rounding add in int32)
    const dst = new Int32Array(out.buffer, out.byteOffset, n >> 1);
    for (let i = 0, m = n >> 1; i < m; i++) {
      const a = src[2 * i] as number;
      const b = src[2 * i + 1] as number;
      const ha = (a & 0x7fffffff) > 0x7f800000 ? (a >>> 16) | 64 : ((a + 0x7fff + ((a >>> 16) & 1)) | 0) >>> 16;
      const hb = (b & 0x7fffffff) > 0x7f800000 ? (b >>> 16) | 64 : ((b + 0x7fff + ((b >>> 16) & 1)) | 0) >>> 16;
      dst[i] = (ha & 0xffff) | (hb << 16);
    }
    return;
  }
  if (out.byteOffset % 2 === 0) {
    const dst = new Uint16Array(out.buffer, out.byteOffset, n);
    for (let i = 0; i < n; i++) {
      const x = src[i] as number;
      dst[i] = (x & 0x7fffffff) > 0x7f800000 ? (x >>> 16) | 64 : (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const x = src[i] as number;
    const h = (x & 0x7fffffff) > 0x7f800000 ? (x >>> 16) | 64 : (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
    out[2 * i] = h & 0xff;
    out[2 * i + 1] = (h >>> 8) & 0xff;
  }
}
