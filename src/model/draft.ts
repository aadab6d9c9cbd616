/**
 * @module model/draft
 * A model about to be written: canonical keys (Hugging Face layout), shapes and values produced
 * in row chunks, plus what it should declare. Forge steps turn drafts into drafts; exporters write
 * them in any format.
 */
import type { CanonicalModel } from "./canonical.js";
import type { HyperParams } from "./hyper-params.js";
import type { Declared, TokenList } from "./weight-set.js";

export interface DraftTensor {
  key: string;
  /** [rows, cols] or [n]. */
  shape: number[];
  /** Values in row-major order, whole rows per chunk. */
  chunks(): Iterable<Float32Array>;
}

export interface ModelDraft {
  params: HyperParams;
  tensors: DraftTensor[];
  tokens?: TokenList;
  declared: Declared;
  architecture?: string;
}

/** Row chunks of about `targetValues` values for a tensor of `rows` x `cols`. */
export function rowChunks(rows: number, cols: number, read: (r0: number, n: number) => Float32Array, targetValues = 1 << 22): Iterable<Float32Array> {
  const per = Math.max(1, Math.floor(targetValues / Math.max(1, cols)));
  return {
    *[Symbol.iterator]() {
      for (let r = 0; r < rows; r += per) yield read(r, Math.min(per, rows - r));
    },
  };
}

/** A loaded model as a draft (values are read lazily when written). */
export function draftOf(m: CanonicalModel): ModelDraft {
  const tensors: DraftTensor[] = [];
  for (const t of m.tensors.values()) {
    tensors.push({ key: t.key, shape: [...t.shape], chunks: () => rowChunks(t.rows, t.cols, (r, n) => t.readRows(r, n)) });
  }
  return { params: { ...m.params }, tensors, tokens: m.tokens, declared: { ...m.declared, baseModels: [...m.declared.baseModels], problems: [] }, architecture: m.architecture };
}
