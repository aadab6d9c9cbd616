/**
 * @module forge/steps/convert
 * `convert[:format[:dtype]]`: write in another container: a Hugging Face safetensors folder, a
 * GGUF file or a llama2.c checkpoint, optionally with a storage type. Only the writer changes.
 */
import type { OutputFormat } from "../../formats/export/write-model.js";
import type { Dtype } from "../../model/dtype.js";
import type { StepFn } from "../types.js";

export const convert: StepFn<{ name: "convert"; format?: OutputFormat; dtype?: Dtype }> = (draft, spec) => ({
  draft,
  truth: {
    relation: "format",
    output: { ...(spec.format ? { format: spec.format } : {}), ...(spec.dtype ? { dtype: spec.dtype } : {}) },
    record: { format: spec.format ?? "from the output path", dtype: spec.dtype ?? "default" },
  },
});
