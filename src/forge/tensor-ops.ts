/**
 * @module forge/tensor-ops
 * Building blocks for forge steps over draft tensors. Streaming transforms work chunk by chunk on
 * the parent's row chunks; whole-tensor transforms hold exactly one tensor (the parent's values)
 * while its output chunks are produced, never more than one tensor per step.
 */
import { collect } from "../formats/export/values.js";
import { rowChunks, type DraftTensor } from "../model/draft.js";

export { collect };

/** Values per output chunk. */
export const CHUNK_VALUES = 1 << 22;

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Rows x cols of a tensor; a vector [n] is one row of n. */
export function dims(shape: readonly number[]): { rows: number; cols: number; vector: boolean } {
  if (shape.length === 1) return { rows: 1, cols: shape[0] as number, vector: true };
  const cols = shape[shape.length - 1] as number;
  return { rows: numel(shape) / Math.max(1, cols), cols, vector: false };
}

/** A tensor under another key (values untouched, still lazy). */
export function renamed(t: DraftTensor, key: string): DraftTensor {
  return { key, shape: [...t.shape], chunks: () => t.chunks() };
}

/** A tensor whose values are in memory. */
export function fromArray(key: string, shape: number[], values: Float32Array): DraftTensor {
  const { rows, cols } = dims(shape);
  return { key, shape, chunks: () => rowChunks(rows, cols, (r, n) => values.subarray(r * cols, (r + n) * cols), CHUNK_VALUES) };
}

/** A tensor produced row range by row range. */
export function fromRows(key: string, shape: number[], read: (row0: number, n: number) => Float32Array): DraftTensor {
  const { rows, cols } = dims(shape);
  return { key, shape, chunks: () => rowChunks(rows, cols, read, CHUNK_VALUES) };
}

/**
 * Streaming transform: each parent chunk (whole rows, starting at row `row0`) becomes one output
 * chunk. The output may have another number of columns (column selection) but the same rows.
 */
export function mapChunks(t: DraftTensor, fn: (chunk: Float32Array, row0: number, cols: number) => Float32Array, key = t.key, shape: number[] = [...t.shape]): DraftTensor {
  const { cols } = dims(t.shape);
  return {
    key,
    shape,
    chunks: () => ({
      *[Symbol.iterator]() {
        let row0 = 0;
        for (const c of t.chunks()) {
          yield fn(c, row0, cols);
          row0 += c.length / Math.max(1, cols);
        }
      },
    }),
  };
}

/** Streaming row selection: output row i = parent row keep[i], with keep increasing. */
export function selectRows(t: DraftTensor, keep: Int32Array, key = t.key): DraftTensor {
  const { cols, vector } = dims(t.shape);
  const shape = vector ? [keep.length] : [keep.length, cols];
  return {
    key,
    shape,
    chunks: () => ({
      *[Symbol.iterator]() {
        if (vector) {
          const all = collect(t);
          const out = new Float32Array(keep.length);
          for (let i = 0; i < keep.length; i++) out[i] = all[keep[i] as number] as number;
          yield out;
          return;
        }
        let row0 = 0;
        let k = 0;
        for (const c of t.chunks()) {
          const n = c.length / cols;
          let m = 0;
          while (k + m < keep.length && (keep[k + m] as number) < row0 + n) m++;
          const out = new Float32Array(m * cols);
          for (let i = 0; i < m; i++) {
            const r = (keep[k + i] as number) - row0;
            out.set(c.subarray(r * cols, (r + 1) * cols), i * cols);
          }
          k += m;
          row0 += n;
          if (m) yield out;
        }
      },
    }),
  };
}

/**
 * Whole-tensor transform: holds the parent's values, then produces output rows on demand.
 * `prepare` runs once per pass over the output and returns a reader of output row ranges.
 */
export function mapWhole(t: DraftTensor, prepare: (all: Float32Array) => (row0: number, n: number) => Float32Array, key = t.key, shape: number[] = [...t.shape]): DraftTensor {
  const { rows, cols } = dims(shape);
  return {
    key,
    shape,
    chunks: () => ({
      *[Symbol.iterator]() {
        const read = prepare(collect(t));
        yield* rowChunks(rows, cols, read, CHUNK_VALUES);
      },
    }),
  };
}

/** A value computed on first use. */
export function lazy<T>(f: () => T): () => T {
  let done = false;
  let v: T | undefined;
  return () => {
    if (!done) {
      v = f();
      done = true;
    }
    return v as T;
  };
}

/** Sum and sum of squares of a tensor's values (one pass, float64 accumulation). */
export function moments(values: Float32Array): { n: number; sum: number; sumSq: number; mean: number; std: number; norm: number } {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    s += v;
    s2 += v * v;
  }
  const n = values.length;
  const mean = n ? s / n : 0;
  const variance = n ? Math.max(0, s2 / n - mean * mean) : 0;
  return { n, sum: s, sumSq: s2, mean, std: Math.sqrt(variance), norm: Math.sqrt(s2) };
}

/** Apply a permutation to an index list: out[i] = values[perm[i]]. */
export function gather(values: Float32Array, perm: Int32Array): Float32Array {
  const out = new Float32Array(perm.length);
  for (let i = 0; i < perm.length; i++) out[i] = values[perm[i] as number] as number;
  return out;
}

/** Rows of a row-major matrix reordered: output row i = input row perm[i]. */
export function gatherRows(all: Float32Array, cols: number, perm: Int32Array, row0: number, n: number): Float32Array {
  const out = new Float32Array(n * cols);
  for (let i = 0; i < n; i++) {
    const src = perm[row0 + i] as number;
    out.set(all.subarray(src * cols, (src + 1) * cols), i * cols);
  }
  return out;
}

/** Columns of each row reordered in place of a copy: output column j = input column perm[j]. */
export function gatherCols(chunk: Float32Array, cols: number, perm: Int32Array): Float32Array {
  const rows = chunk.length / cols;
  const outCols = perm.length;
  const out = new Float32Array(rows * outCols);
  for (let r = 0; r < rows; r++) {
    const a = r * cols;
    const b = r * outCols;
    for (let j = 0; j < outCols; j++) out[b + j] = chunk[a + (perm[j] as number)] as number;
  }
  return out;
}

/** The inverse of a permutation. */
export function invert(perm: Int32Array): Int32Array {
  const inv = new Int32Array(perm.length);
  for (let i = 0; i < perm.length; i++) inv[perm[i] as number] = i;
  return inv;
}

export function identity(n: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  return p;
}
