/**
 * @module forge/steps/prune-width
 * `prune-width[:frac]`: remove that fraction of MLP hidden units in every layer (every expert),
 * the units with the smallest norm first, as dev-families A-prune did before healing. A unit's
 * norm is ||gate row|| · ||up row|| · ||down column|| (the scale of its contribution; without a
 * gate, ||up row|| · ||down column||). Kept units stay in their order. The norms are a first pass
 * over the layer's three matrices (streamed); the output streams too.
 */
import { UsageError } from "../../errors.js";
import type { DraftTensor } from "../../model/draft.js";
import { parseKey } from "../../model/roles.js";
import { dims, gatherCols, lazy, mapChunks, selectRows } from "../tensor-ops.js";
import type { StepFn } from "../types.js";
import { byKey } from "./common.js";

const RECORD_MAX = 100_000;

function rowNorms(t: DraftTensor): Float64Array {
  const { rows, cols } = dims(t.shape);
  const out = new Float64Array(rows);
  let r0 = 0;
  for (const c of t.chunks()) {
    const n = c.length / cols;
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += (c[r * cols + j] as number) ** 2;
      out[r0 + r] = Math.sqrt(s);
    }
    r0 += n;
  }
  return out;
}

function colNorms(t: DraftTensor): Float64Array {
  const { cols } = dims(t.shape);
  const out = new Float64Array(cols);
  for (const c of t.chunks()) for (let i = 0; i < c.length; i++) out[i % cols] = (out[i % cols] as number) + (c[i] as number) ** 2;
  return out.map(Math.sqrt);
}

export const pruneWidth: StepFn<{ name: "prune-width"; frac: number }> = (draft, spec) => {
  const p = draft.params;
  const ffn = p.ffn;
  const remove = Math.round(spec.frac * ffn);
  if (remove < 1) throw new UsageError(`prune-width:${spec.frac} removes no unit of ${ffn}`);
  if (remove >= ffn) throw new UsageError(`prune-width:${spec.frac} would remove every MLP unit (${ffn})`);
  const keepN = ffn - remove;
  const m = byKey(draft);
  const groups = new Map<string, () => Int32Array>();
  /** "layers.3.mlp" or "layers.3.moe.experts.2" -> the units kept. */
  const groupOf = (key: string): string => key.replace(/\.(gate|up|down)(\.bias)?$/, "");
  for (const t of draft.tensors) {
    const k = parseKey(t.key);
    if (!["mlp.gate", "mlp.up", "mlp.down", "moe.gate", "moe.up", "moe.down"].includes(k.role)) continue;
    const g = groupOf(t.key);
    if (groups.has(g)) continue;
    const up = m.get(`${g}.up`);
    const down = m.get(`${g}.down`);
    if (!up || !down) throw new UsageError(`prune-width: ${g} needs both up and down projections`);
    const gate = m.get(`${g}.gate`);
    groups.set(g, lazy(() => {
      const score = rowNorms(up);
      const d = colNorms(down);
      const gn = gate ? rowNorms(gate) : null;
      const idx = Array.from({ length: ffn }, (_, i) => i);
      const s = (i: number) => (score[i] as number) * (d[i] as number) * (gn ? (gn[i] as number) : 1);
      idx.sort((a, b) => s(b) - s(a) || a - b);
      return Int32Array.from(idx.slice(0, keepN).sort((a, b) => a - b));
    }));
  }
  if (groups.size === 0) throw new UsageError("prune-width: the model has no MLP projections to prune");
  const tensors = draft.tensors.map((t) => {
    const k = parseKey(t.key);
    const keep = groups.get(groupOf(t.key));
    if (!keep || !k.role.match(/^(mlp|moe)\.(gate|up|down)$/)) return t;
    const isDown = k.role.endsWith("down");
    if (isDown && !k.bias) {
      const cols = t.shape[1] as number;
      return mapChunks(t, (c) => gatherCols(c, cols, keep()), t.key, [t.shape[0] as number, keepN]);
    }
    if (isDown) return t;
    // rows (or a bias vector) of gate/up: select kept units
    const lazyRows: DraftTensor = {
      key: t.key,
      shape: k.bias ? [keepN] : [keepN, t.shape[1] as number],
      chunks: () => selectRows(t, keep()).chunks(),
    };
    return lazyRows;
  });
  const record: Record<string, unknown> = { frac: spec.frac, ffn: { before: ffn, after: keepN }, criterion: "||gate_i||·||up_i||·||down_:,i||, smallest removed" };
  if (groups.size * remove <= RECORD_MAX) {
    const removed: Record<string, number[]> = {};
    record.removedUnits = removed;
    // filled in when the output is written (the norms are computed lazily)
    for (const [g, keep] of groups) {
      Object.defineProperty(removed, g, {
        enumerable: true,
        get: () => {
          const k = new Set(keep());
          return Array.from({ length: ffn }, (_, i) => i).filter((i) => !k.has(i));
        },
      });
    }
  }
  return { draft: { ...draft, params: { ...p, ffn: keepN }, tensors }, truth: { relation: "width-prune", record } };
};
