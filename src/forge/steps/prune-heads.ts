/**
 * @module forge/steps/prune-heads
 * `prune-heads[:frac]`: remove that fraction of attention heads in every layer, as Sheared-LLaMA
 * and Minitron did alongside residual and MLP pruning. Heads go by whole key/value groups (with
 * GQA a group is one kv head and the query heads that share it; without, one head), the weakest
 * first: a group's score is ||q||·||k||·||v||·||o|| over its rows (o: its columns), the scale of
 * what it adds to the stream. Kept heads stay in their order; q, k, v lose the removed heads' rows
 * (and biases), o their columns. Whole tensors are read once for the scores.
 */
import { UsageError } from "../../errors.js";
import type { DraftTensor } from "../../model/draft.js";
import { parseKey } from "../../model/roles.js";
import { collect, dims, gatherCols, lazy, mapChunks, selectRows } from "../tensor-ops.js";
import type { StepFn } from "../types.js";
import { byKey, need, requireLlama } from "./common.js";

const sq = (x: Float32Array, from: number, to: number) => {
  let s = 0;
  for (let i = from; i < to; i++) s += (x[i] as number) ** 2;
  return s;
};

/** Rows (or columns, for o) of kept heads: head h covers [h·hd, (h+1)·hd). */
function headIndex(heads: number[], hd: number): Int32Array {
  return Int32Array.from(heads.flatMap((h) => Array.from({ length: hd }, (_, i) => h * hd + i)));
}

export const pruneHeads: StepFn<{ name: "prune-heads"; frac: number }> = (draft, spec) => {
  requireLlama(draft, "prune-heads", "its attention layout differs");
  const p = draft.params;
  const hd = p.headDim;
  const nKv = p.nKvHeads;
  const group = p.nHeads / nKv;
  const remove = Math.round(spec.frac * nKv);
  const unit = group > 1 ? "key/value group" : "head";
  if (remove < 1) throw new UsageError(`prune-heads:${spec.frac} removes no ${unit} of ${nKv}`);
  if (remove >= nKv) throw new UsageError(`prune-heads:${spec.frac} would remove every ${unit} (${nKv})`);
  const keepN = nKv - remove;
  const m = byKey(draft);
  /** Per layer: the kv groups kept, ascending. */
  const kept = Array.from({ length: p.nLayers }, (_, l) => lazy(() => {
    const t = (k: string) => collect(need(m, `layers.${l}.attn.${k}`, "prune-heads"));
    const [q, k, v, o] = [t("q"), t("k"), t("v"), t("o")];
    const cols = p.nHeads * hd;
    const { rows: oRows } = dims(need(m, `layers.${l}.attn.o`, "prune-heads").shape);
    const score = Array.from({ length: nKv }, (_, g) => {
      const width = q.length / cols; // residual width (q is [heads·hd, dim])
      const qs = sq(q, g * group * hd * width, (g + 1) * group * hd * width);
      const ks = sq(k, g * hd * width, (g + 1) * hd * width);
      const vs = sq(v, g * hd * width, (g + 1) * hd * width);
      let os = 0;
      for (let r = 0; r < oRows; r++) os += sq(o, r * cols + g * group * hd, r * cols + (g + 1) * group * hd);
      return Math.sqrt(qs * ks * vs * os);
    });
    const order = Array.from({ length: nKv }, (_, g) => g).sort((x, y) => (score[y] as number) - (score[x] as number) || x - y);
    return order.slice(0, keepN).sort((x, y) => x - y);
  }));
  const keptOf = (l: number) => (kept[l] as () => number[])();
  const qHeads = (l: number) => keptOf(l).flatMap((g) => Array.from({ length: group }, (_, j) => g * group + j));
  const tensors = draft.tensors.map((t): DraftTensor => {
    const k = parseKey(t.key);
    if (k.layer === null || !["attn.q", "attn.k", "attn.v", "attn.o"].includes(k.role)) return t;
    const l = k.layer;
    if (k.role === "attn.o") {
      if (k.bias) return t;
      const cols = dims(t.shape).cols;
      return mapChunks(t, (c) => gatherCols(c, cols, headIndex(qHeads(l), hd)), t.key, [t.shape[0] as number, keepN * group * hd]);
    }
    const rows = () => (k.role === "attn.q" ? headIndex(qHeads(l), hd) : headIndex(keptOf(l), hd));
    const n = (k.role === "attn.q" ? keepN * group : keepN) * hd;
    return { key: t.key, shape: t.shape.length === 1 ? [n] : [n, ...t.shape.slice(1)], chunks: () => selectRows(t, rows()).chunks() };
  });
  const record: Record<string, unknown> = { frac: spec.frac, kvHeads: { before: nKv, after: keepN }, heads: { before: p.nHeads, after: keepN * group }, criterion: "||q||·||k||·||v||·||o|| per key/value group, smallest removed" };
  Object.defineProperty(record, "keptKvHeads", { enumerable: true, get: () => kept.map((f) => f()) });
  return { draft: { ...draft, params: { ...p, nHeads: keepN * group, nKvHeads: keepN }, tensors }, truth: { relation: "width-prune", record } };
};
