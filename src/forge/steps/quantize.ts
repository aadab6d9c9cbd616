/**
 * @module forge/steps/quantize
 * `quantize:<type>[:f32-fallback]`: every 2-D weight goes through a GGUF type and back (ggml's
 * reference quantizer, then its dequantizer), row chunk by row chunk. Rows that are not a whole
 * number of the type's blocks take llama-quantize's fallback type (storedType), as the GGUF writer
 * does, so writing the result as a .gguf of the same type re-quantizes the same values. When no
 * fallback fits, the step refuses unless `f32-fallback` asks to keep such tensors in F32.
 */
import { UsageError } from "../../errors.js";
import { storedType } from "../../formats/export/gguf-model.js";
import { dtypeInfo, type Dtype } from "../../model/dtype.js";
import { encodeValues } from "../../model/encode.js";
import { mapChunks } from "../tensor-ops.js";
import type { StepFn } from "../types.js";

/** Values after a round trip through `type` (a whole number of blocks). */
export function roundTrip(type: Dtype, values: Float32Array): Float32Array {
  if (type === "F32") return values;
  const info = dtypeInfo(type);
  const bytes = encodeValues(type, values);
  const out = new Float32Array(values.length);
  info.decode(bytes, out, values.length / info.blockSize);
  return out;
}

export const quantize: StepFn<{ name: "quantize"; type: Dtype; f32Fallback: boolean }> = (draft, spec) => {
  const quantized = dtypeInfo(spec.type).quantized;
  const types: Record<string, string> = {};
  const misfits: string[] = [];
  const tensors = draft.tensors.map((t) => {
    if (t.shape.length !== 2) return t;
    const cols = t.shape[1] as number;
    const stored = storedType(spec.type, cols);
    types[t.key] = stored;
    if (quantized && stored === "F32") {
      misfits.push(`${t.key} (rows of ${cols})`);
      return t;
    }
    return mapChunks(t, (c) => roundTrip(stored, c));
  });
  if (misfits.length && !spec.f32Fallback) {
    const bs = dtypeInfo(spec.type).blockSize;
    throw new UsageError(
      `quantize:${spec.type}: ${misfits.length} tensor${misfits.length > 1 ? "s have rows that are" : " has rows"} not a multiple of ${spec.type}'s ${bs}-value blocks and no llama-quantize fallback type fits: ` +
        `${misfits.slice(0, 3).join(", ")}${misfits.length > 3 ? ", ..." : ""}; use quantize:${spec.type}:f32-fallback to keep them in F32, or a type with smaller blocks`,
    );
  }
  const fallbacks = Object.entries(types).filter(([, v]) => v !== spec.type).length;
  return {
    draft: { ...draft, tensors },
    truth: {
      relation: "quantized",
      quantization: { type: spec.type, tensorTypes: types, f32Fallback: spec.f32Fallback },
      record: { type: spec.type, tensors: Object.keys(types).length, fallbacks },
    },
  };
};
