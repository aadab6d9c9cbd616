/**
 * @module forge/steps/vocab-extend
 * `vocab-extend:<n>`: append n tokens, as vocabulary extension before continued training does
 * (dev-families A-vocab): embedding (and untied head) rows initialised to the mean row, token
 * strings made by joining two frequent existing tokens (with the matching BPE merge), ids after
 * the existing ones. The mean is a first pass over the parent's rows; the output streams.
 */
import type { DraftTensor } from "../../model/draft.js";
import { CHUNK_VALUES, dims } from "../tensor-ops.js";
import type { StepFn } from "../types.js";
import { editableVocabulary, extendedVocabulary, newTokenStrings, tokenList } from "../vocab-edit.js";

/** The tensor with `n` rows equal to its mean row appended. */
export function withMeanRows(t: DraftTensor, n: number): DraftTensor {
  const { rows, cols } = dims(t.shape);
  return {
    key: t.key,
    shape: [rows + n, cols],
    chunks: () => ({
      *[Symbol.iterator]() {
        const sum = new Float64Array(cols);
        for (const c of t.chunks()) for (let i = 0; i < c.length; i++) sum[i % cols] = (sum[i % cols] as number) + (c[i] as number);
        const mean = Float32Array.from(sum, (s) => s / Math.max(1, rows));
        yield* t.chunks();
        const per = Math.max(1, Math.floor(CHUNK_VALUES / cols));
        for (let r = 0; r < n; r += per) {
          const k = Math.min(per, n - r);
          const out = new Float32Array(k * cols);
          for (let i = 0; i < k; i++) out.set(mean, i * cols);
          yield out;
        }
      },
    }),
  };
}

export const vocabExtend: StepFn<{ name: "vocab-extend"; n: number }> = (draft, spec) => {
  const v = editableVocabulary(draft, "vocab-extend");
  const added = newTokenStrings(v, spec.n);
  const nv = extendedVocabulary(v, added);
  const n0 = v.tokens.length;
  const tensors = draft.tensors.map((t) => (t.key === "embed" || t.key === "head" ? withMeanRows(t, spec.n) : t));
  const map = new Int32Array(n0 + spec.n);
  for (let i = 0; i < map.length; i++) map[i] = i < n0 ? i : -1;
  const addedMap = new Map(added.map((a, i) => [n0 + i, a.token]));
  return {
    draft: { ...draft, params: { ...draft.params, vocab: n0 + spec.n }, tensors, tokens: tokenList(nv) },
    truth: {
      relation: "vocab-extend",
      vocab: { map, added: addedMap },
      record: { added: spec.n, ids: [n0, n0 + spec.n - 1], init: "mean embedding / head row", strings: "two frequent existing tokens joined (BPE merge appended)" },
    },
  };
};
