/**
 * @module formats/gguf/limits
 * Bounds on what a GGUF header may declare. Every count is also checked against the bytes left in
 * the file, so a header can never make pedigree allocate more than the file could hold.
 */

/** Tensors per file (the largest MoE GGUFs have a few thousand; each entry costs ~0.5 KB of memory). */
export const MAX_TENSORS = 1 << 17;
/** Metadata entries per file. */
export const MAX_KV = 1 << 20;
/** One string (tokenizer.huggingface.json can reach tens of MB). */
export const MAX_STRING_BYTES = 64 << 20;
/**
 * What all metadata values and tensor entries together may cost in memory, estimated per item (see itemCost): a
 * 256k-token vocabulary with scores, types and merges costs ~60 MB, so this is ample for real
 * files while a header declaring 200M array elements is refused before anything is allocated.
 */
export const MAX_METADATA_MEMORY = 384 << 20;
/** Estimated bytes one JS value costs: a number or bool in an array (boxed when not a small int), a string's header. */
export const NUMBER_COST = 16;
export const STRING_COST = 40;
/** Estimated bytes one tensor's entry costs (its info, its TensorEntry, its place in the name set). */
export const TENSOR_COST = 400;
/** Nesting of arrays inside arrays. */
export const MAX_ARRAY_DEPTH = 4;
/** ggml's GGML_MAX_DIMS. */
export const MAX_DIMS = 4;
/** Tensor names are < GGML_MAX_NAME (64) in ggml; other writers are laxer, so allow more. */
export const MAX_NAME_BYTES = 4096;
/** general.alignment upper bound. */
export const MAX_ALIGNMENT = 1 << 20;
