/**
 * @module formats/safetensors/limits
 * Bounds for safetensors headers and index files (huggingface/safetensors rejects headers > 100 MB).
 */
export const MAX_HEADER_BYTES = 100_000_000;
/** A sharded index's JSON (large MoE indexes reach ~60 MB). */
export const MAX_INDEX_BYTES = 128 << 20;
export const MAX_DIMS = 16;
/** Tensors in one file (the largest MoE checkpoints hold ~50k over all their shards). */
export const MAX_TENSORS = 1 << 17;
