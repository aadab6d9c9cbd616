/**
 * @module model/row-source
 * Composable row readers behind each canonical tensor: a slice of a file tensor, rows concatenated
 * from several, rows permuted (Q/K layout), or a transpose (GPT-2's Conv1D weights).
 */
import { readRows, rowCount, rowLength, type TensorEntry } from "./tensor.js";

export interface RowSource {
  readonly rows: number;
  readonly cols: number;
  /** A 1-D tensor (one row). */
  readonly vector?: boolean;
  read(row0: number, n: number, out: Float32Array): void;
}

/** Rows [start, start + rows) of a file tensor, optionally viewed with another row length. */
export function entryRows(t: TensorEntry, start = 0, rows = rowCount(t.shape)): RowSource {
  return {
    rows,
    cols: rowLength(t.shape),
    read: (r0, n, out) => void readRows(t, start + r0, n, out),
  };
}

/** A 1-D tensor (or any tensor) as one flat row. */
export function flatRow(t: TensorEntry): RowSource {
  const cols = rowCount(t.shape) * rowLength(t.shape);
  return { rows: 1, cols, vector: t.shape.length <= 1, read: (_r0, _n, out) => void readRows(t, 0, rowCount(t.shape), out) };
}

export function concatRows(parts: RowSource[]): RowSource {
  const cols = parts[0]?.cols ?? 0;
  const starts: number[] = [];
  let total = 0;
  for (const p of parts) {
    starts.push(total);
    total += p.rows;
  }
  return {
    rows: total,
    cols,
    read(r0, n, out) {
      let done = 0;
      for (let i = 0; i < parts.length && done < n; i++) {
        const p = parts[i] as RowSource;
        const s = starts[i] as number;
        const from = Math.max(r0 + done, s);
        const to = Math.min(r0 + n, s + p.rows);
        if (from >= to) continue;
        p.read(from - s, to - from, out.subarray((from - r0) * cols, (to - r0) * cols));
        done = to - r0;
      }
    },
  };
}

/** Row i of the result is row perm[i] of src; reads only the span the requested rows need. */
export function permuteRows(src: RowSource, perm: Int32Array): RowSource {
  return {
    rows: src.rows,
    cols: src.cols,
    read(r0, n, out) {
      let lo = Infinity;
      let hi = -1;
      for (let i = r0; i < r0 + n; i++) {
        const p = perm[i] as number;
        if (p < lo) lo = p;
        if (p > hi) hi = p;
      }
      const span = new Float32Array((hi - lo + 1) * src.cols);
      src.read(lo, hi - lo + 1, span);
      const c = src.cols;
      for (let i = 0; i < n; i++) {
        const p = (perm[r0 + i] as number) - lo;
        out.set(span.subarray(p * c, (p + 1) * c), i * c);
      }
    },
  };
}

/** Element i of a single-row source becomes element perm[i]'s value. */
export function permuteCols(src: RowSource, perm: Int32Array): RowSource {
  return {
    rows: src.rows,
    cols: src.cols,
    vector: src.vector,
    read(r0, n, out) {
      const tmp = new Float32Array(n * src.cols);
      src.read(r0, n, tmp);
      for (let r = 0; r < n; r++) {
        for (let i = 0; i < src.cols; i++) out[r * src.cols + i] = tmp[r * src.cols + (perm[i] as number)] as number;
      }
    },
  };
}

/** The transpose of src (read whole: only used for small Conv1D matrices). */
export function transposeRows(src: RowSource): RowSource {
  let cache: Float32Array | null = null;
  return {
    rows: src.cols,
    cols: src.rows,
    read(r0, n, out) {
      if (!cache) {
        cache = new Float32Array(src.rows * src.cols);
        src.read(0, src.rows, cache);
      }
      const R = src.rows;
      const C = src.cols;
      for (let i = 0; i < n; i++) {
        const c = r0 + i;
        for (let r = 0; r < R; r++) out[i * R + r] = cache[r * C + c] as number;
      }
    },
  };
}
