/**
 * @module forge/steps/vocab-trim
 * `vocab-trim:<n|frac>`: drop n tokens (or that fraction) from the end of the vocabulary, skipping
 * special, added, byte and single-character tokens, which are kept; the rest are renumbered in
 * order, the embedding (and untied head) rows selected to match. Streams.
 */
import { UsageError } from "../../errors.js";
import { selectRows } from "../tensor-ops.js";
import type { StepFn } from "../types.js";
import { editableVocabulary, isProtectedToken, tokenList, trimmedVocabulary } from "../vocab-edit.js";

export const vocabTrim: StepFn<{ name: "vocab-trim"; n?: number; frac?: number }> = (draft, spec) => {
  const v = editableVocabulary(draft, "vocab-trim");
  const n0 = v.tokens.length;
  const want = spec.n ?? Math.round((spec.frac as number) * n0);
  if (want < 1) throw new UsageError(`vocab-trim:${spec.frac} drops no token of ${n0}`);
  const drop = new Set<number>();
  for (let id = n0 - 1; id >= 0 && drop.size < want; id--) if (!isProtectedToken(v, id)) drop.add(id);
  if (drop.size < want) {
    throw new UsageError(`vocab-trim: only ${drop.size} of the ${n0} tokens can be dropped (the others are special, byte or single-character tokens), not ${want}`);
  }
  const keep = Int32Array.from({ length: n0 - drop.size }, () => 0);
  let k = 0;
  for (let id = 0; id < n0; id++) if (!drop.has(id)) keep[k++] = id;
  const nv = trimmedVocabulary(v, keep);
  const tensors = draft.tensors.map((t) => (t.key === "embed" || t.key === "head" ? selectRows(t, keep) : t));
  const removed = [...drop].sort((a, b) => a - b);
  return {
    draft: { ...draft, params: { ...draft.params, vocab: keep.length }, tensors, tokens: tokenList(nv) },
    truth: {
      relation: "vocab-trim",
      vocab: { map: keep, added: new Map() },
      record: { removed: removed.length, size: keep.length, firstRemoved: removed[0], kept: "special, added, byte and single-character tokens" },
    },
  };
};
