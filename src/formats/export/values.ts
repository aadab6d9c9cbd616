/**
 * @module formats/export/values
 * Helpers that reshape a draft tensor's value stream for a target file: collect it whole, permute
 * its rows (Q/K layout), or concatenate several (fused QKV, stacked experts).
 */
import type { DraftTensor } from "../../model/draft.js";

export function collect(t: DraftTensor): Float32Array {
  const n = t.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  let o = 0;
  for (const c of t.chunks()) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** Rows of `t` reordered: output row i = input row perm[i]. */
export function permutedRows(t: DraftTensor, perm: Int32Array): Iterable<Float32Array> {
  return {
    *[Symbol.iterator]() {
      const all = collect(t);
      const cols = t.shape.length === 1 ? 1 : (t.shape[1] as number);
      const out = new Float32Array(all.length);
      for (let i = 0; i < perm.length; i++) out.set(all.subarray((perm[i] as number) * cols, ((perm[i] as number) + 1) * cols), i * cols);
      yield out;
    },
  };
}

export function concatenated(parts: DraftTensor[]): Iterable<Float32Array> {
  return {
    *[Symbol.iterator]() {
      for (const p of parts) yield* p.chunks();
    },
  };
}
