/**
 * @module forge/steps/prune-hidden
 * `prune-hidden[:frac]`: remove that fraction of residual (hidden) dimensions, as Sheared-LLaMA
 * (Llama-2-7B, 4096 -> 2048) and Minitron (Llama-3.1-8B, 4096 -> 3072) did before healing. Each
 * dimension j is scored by its embedding column norm times its mean |gain| over every RMSNorm
 * (how much the stream carries there, and how much every block reads of it — the weight-only
 * stand-in for Minitron's activation importance); the lowest-scoring dimensions go. Kept
 * dimensions stay in their order. The same dimensions are deleted everywhere the residual stream
 * is read or written: columns of embed, head, q, k, v, gate, up, router and experts; rows of o and
 * down (and o's bias); entries of every norm gain. Head size and count are unchanged, so the
 * attention inner width (heads x head size) no longer equals the residual width. RMSNorm now
 * averages over fewer dimensions: the function changes a little, as real pruning does — heal with
 * a `finetune-drift` step. Readers stream; writers and gains select rows as they stream.
 */
import { UsageError } from "../../errors.js";
import type { DraftTensor } from "../../model/draft.js";
import { parseKey } from "../../model/roles.js";
import { collect, dims, gatherCols, lazy, mapChunks, selectRows } from "../tensor-ops.js";
import type { StepFn } from "../types.js";
import { list, requireLlama } from "./common.js";

const RECORD_MAX = 100_000;

const READERS = new Set(["embed", "head", "attn.q", "attn.k", "attn.v", "mlp.gate", "mlp.up", "moe.router", "moe.gate", "moe.up"]);
const WRITERS = new Set(["attn.o", "mlp.down", "moe.down"]);
const GAINS = new Set(["attn_norm", "mlp_norm", "final_norm"]);

/** Euclidean norm of each column of a [rows, cols] tensor (one streamed pass, float64). */
function columnNorms(t: DraftTensor): Float64Array {
  const { cols } = dims(t.shape);
  const out = new Float64Array(cols);
  for (const c of t.chunks()) for (let i = 0; i < c.length; i++) out[i % cols] = (out[i % cols] as number) + (c[i] as number) ** 2;
  return out.map(Math.sqrt);
}

/** Importance of each residual dimension: ||embed[:, j]|| · mean over norms of |gain_j|. */
export function hiddenImportance(tensors: DraftTensor[], dim: number): Float64Array {
  const embed = tensors.find((t) => parseKey(t.key).role === "embed");
  if (!embed) throw new UsageError("prune-hidden: the model has no embedding to score residual dimensions by");
  const score = columnNorms(embed);
  const gains = tensors.filter((t) => GAINS.has(parseKey(t.key).role) && !parseKey(t.key).bias);
  if (gains.length) {
    const mean = new Float64Array(dim);
    for (const g of gains) {
      const v = collect(g);
      for (let j = 0; j < dim; j++) mean[j] = (mean[j] as number) + Math.abs(v[j] as number) / gains.length;
    }
    for (let j = 0; j < dim; j++) score[j] = (score[j] as number) * (mean[j] as number);
  }
  return score;
}

export const pruneHidden: StepFn<{ name: "prune-hidden"; frac: number }> = (draft, spec) => {
  requireLlama(draft, "prune-hidden", "its residual stream is read and written by other kinds of tensors");
  const p = draft.params;
  const dim = p.dim;
  const remove = Math.round(spec.frac * dim);
  if (remove < 1) throw new UsageError(`prune-hidden:${spec.frac} removes no residual dimension of ${dim}`);
  if (remove >= dim) throw new UsageError(`prune-hidden:${spec.frac} would remove every residual dimension (${dim})`);
  const keepN = dim - remove;
  const keep = lazy(() => {
    const score = hiddenImportance(draft.tensors, dim);
    const idx = Array.from({ length: dim }, (_, i) => i);
    idx.sort((a, b) => (score[b] as number) - (score[a] as number) || a - b);
    return Int32Array.from(idx.slice(0, keepN).sort((a, b) => a - b));
  });
  const tensors = draft.tensors.map((t): DraftTensor => {
    const k = parseKey(t.key);
    if (READERS.has(k.role) && !k.bias) return mapChunks(t, (c) => gatherCols(c, dim, keep()), t.key, [...t.shape.slice(0, -1), keepN]);
    if (WRITERS.has(k.role) || GAINS.has(k.role)) {
      if (k.bias && k.role !== "attn.o") return t;
      // o's and down's rows, o's bias and the gains: the kept entries
      return { key: t.key, shape: t.shape.length === 1 ? [keepN] : [keepN, ...t.shape.slice(1)], chunks: () => selectRows(t, keep()).chunks() };
    }
    return t;
  });
  const record: Record<string, unknown> = {
    frac: spec.frac,
    dim: { before: dim, after: keepN },
    criterion: "||embed[:,j]||·mean |norm gain_j|, smallest removed",
    convention: "new residual dimension i is old dimension keptDims[i]",
  };
  if (dim <= RECORD_MAX) Object.defineProperty(record, "keptDims", { enumerable: true, get: () => list(keep()) });
  return { draft: { ...draft, params: { ...p, dim: keepN, headDim: p.headDim }, tensors }, truth: { relation: "width-prune", record } };
};
