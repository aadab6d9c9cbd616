/**
 * @module formats/write/tensor-data
 * A tensor to be written: name, shape, storage dtype, and its float32 values produced whole rows at
 * a time, so writers stream any size without holding a tensor.
 */
import type { Dtype } from "../../model/dtype.js";

export interface TensorData {
  name: string;
  /** Outermost first; the last dimension is contiguous. */
  shape: number[];
  dtype: Dtype;
  /** The values in row-major order, in chunks of whole rows. */
  chunks(): Iterable<Float32Array>;
}

/** A tensor whose values are already in memory. */
export function tensorFromArray(name: string, shape: number[], dtype: Dtype, values: Float32Array): TensorData {
  return { name, shape, dtype, chunks: () => [values] };
}
