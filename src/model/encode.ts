/**
 * @module model/encode
 * float32 values -> bytes of a storage type (the writers' half of dtype.ts). Block-quantized types go
 * through ggml's reference quantizers (numeric/quants).
 */
import { PedigreeError } from "../errors.js";
import { f32ToBf16, f32ToF16 } from "../numeric/half.js";
import { QUANT_KERNELS } from "../numeric/quants/index.js";
import { byteLengthOf, dtypeInfo, type Dtype } from "./dtype.js";

/** Can pedigree write this dtype? */
export function canEncode(dtype: Dtype): boolean {
  if (dtype === "F32" || dtype === "F16" || dtype === "BF16") return true;
  const k = QUANT_KERNELS[dtype as keyof typeof QUANT_KERNELS];
  return k?.quantize !== undefined;
}

/** Encode `values` (a whole number of blocks) as `dtype`. */
export function encodeValues(dtype: Dtype, values: Float32Array): Uint8Array {
  const n = values.length;
  const bytes = byteLengthOf(dtype, n);
  if (bytes === undefined) throw new PedigreeError("internal", `${n} values are not a whole number of ${dtype} blocks`);
  const out = new Uint8Array(bytes);
  switch (dtype) {
    case "F32":
      out.set(new Uint8Array(values.buffer, values.byteOffset, n * 4));
      return out;
    case "F16":
    case "BF16": {
      const enc = dtype === "F16" ? f32ToF16 : f32ToBf16;
      for (let i = 0; i < n; i++) {
        const h = enc(values[i] as number);
        out[2 * i] = h & 0xff;
        out[2 * i + 1] = h >> 8;
      }
      return out;
    }
    default: {
      const k = QUANT_KERNELS[dtype as keyof typeof QUANT_KERNELS];
      if (!k?.quantize) throw new PedigreeError("unsupported", `pedigree cannot write ${dtype}`);
      k.quantize(values, out, n / dtypeInfo(dtype).blockSize);
      return out;
    }
  }
}
