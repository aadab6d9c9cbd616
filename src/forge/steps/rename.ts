/**
 * @module forge/steps/rename
 * `rename[:scheme]`: write the weights under another family's tensor names (Meta's, Qwen-1's
 * `transformer.h`, llama.cpp's GGUF names inside safetensors, or Hugging Face's). Values and the
 * canonical view are unchanged; only the safetensors writer's naming differs.
 */
import type { NamingScheme } from "../../formats/export/naming.js";
import type { StepFn } from "../types.js";

export const rename: StepFn<{ name: "rename"; scheme: NamingScheme }> = (draft, spec) => ({
  draft,
  truth: { relation: "format", output: { naming: spec.scheme }, record: { naming: spec.scheme } },
});
