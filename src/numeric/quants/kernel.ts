/**
 * @module numeric/quants/kernel
 * The shape every ggml block-quantization kernel has. A block holds `blockSize` values in `blockBytes`
 * bytes; rows of a quantized tensor are whole blocks, so a row range is a byte range.
 */

export interface QuantKernel {
  /** ggml's name for the type, e.g. "Q4_K". */
  readonly name: string;
  /** Values per block. */
  readonly blockSize: number;
  /** Bytes per block. */
  readonly blockBytes: number;
  /**
   * Decode `nBlocks` consecutive blocks from `src` (starting at src[0]) into `dst` (starting at dst[0]),
   * giving exactly the float32 values ggml's `dequantize_row_*` gives.
   */
  dequantize(src: Uint8Array, dst: Float32Array, nBlocks: number): void;
  /**
   * Encode `nBlocks * blockSize` values from `src` into blocks in `dst`, byte for byte as ggml's
   * `ggml_quantize_chunk` does without an importance matrix: that is `quantize_row_*_ref`, except for
   * IQ4_NL, whose chunk path (quantize_iq4_nl) searches more scales than its _ref. Absent for types
   * pedigree cannot write (the IQ1/IQ2/IQ3 lattice types).
   */
  quantize?(src: Float32Array, dst: Uint8Array, nBlocks: number): void;
}
