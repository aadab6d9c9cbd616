/**
 * @module formats/gguf/limits
 * Bounds on what a GGUF header may declare. Every count is also checked against the bytes left in
 * the file, so a header can never make pedigree allocate more than the file could hold.
 */

/** Tensors per file (llama.cpp's largest models have ~10^5). */
export const MAX_TENSORS = 1 << 22;
/** Metadata entries per file. */
export const MAX_KV = 1 << 20;
/** One string (tokenizer.huggingface.json can reach tens of MB). */
export const MAX_STRING_BYTES = 256 << 20;
/** Nesting of arrays inside arrays. */
export const MAX_ARRAY_DEPTH = 4;
/** ggml's GGML_MAX_DIMS. */
export const MAX_DIMS = 4;
/** Tensor names are < GGML_MAX_NAME (64) in ggml; other writers are laxer, so allow more. */
export const MAX_NAME_BYTES = 4096;
/** general.alignment upper bound. */
export const MAX_ALIGNMENT = 1 << 20;
