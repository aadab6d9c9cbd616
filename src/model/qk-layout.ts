/**
 * @module model/qk-layout
 * Meta's checkpoints (and GGUF llama, llama2.c) rotate adjacent pairs (2i, 2i+1) of each Q/K head;
 * Hugging Face's rotate-half pairs i and i + hd/2. The HF conversion reorders rows inside each head:
 *   HF row (h·hd + k) = Meta row (h·hd + 2k)            for k < hd/2
 *   HF row (h·hd + k) = Meta row (h·hd + 2(k − hd/2) + 1) for k ≥ hd/2
 * (transformers convert_llama_weights_to_hf.py; llama.cpp's converter applies the inverse.)
 */

/** perm[i] = the Meta-layout row that becomes HF-layout row i, for `heads` heads of `headDim` rows. */
export function metaToHfRowPerm(heads: number, headDim: number): Int32Array {
  const perm = new Int32Array(heads * headDim);
  const half = headDim / 2;
  for (let h = 0; h < heads; h++) {
    for (let k = 0; k < headDim; k++) {
      perm[h * headDim + k] = h * headDim + (k < half ? 2 * k : 2 * (k - half) + 1);
    }
  }
  return perm;
}

/** The inverse: perm[i] = the HF-layout row that becomes Meta-layout row i (for writing GGUF). */
export function hfToMetaRowPerm(heads: number, headDim: number): Int32Array {
  const fwd = metaToHfRowPerm(heads, headDim);
  const inv = new Int32Array(fwd.length);
  for (let i = 0; i < fwd.length; i++) inv[fwd[i] as number] = i;
  return inv;
}
