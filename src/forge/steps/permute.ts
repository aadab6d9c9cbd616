/**
 * @module forge/steps/permute
 * `permute`: the permutation symmetries of a llama block, all at once, leaving the function
 * unchanged. Per layer: MLP hidden units (rows of gate/up, columns of down; each expert on its
 * own, and the experts' order with the router's rows); attention heads respecting GQA groups
 * (kv heads permuted, each group's query heads moving with it and permuted inside it; o's columns
 * follow the query heads); and one residual-stream permutation applied to the columns of every
 * matrix reading the residual (q, k, v, gate, up, router, embed, head), the rows of every matrix
 * writing it (o, down) and the norm gains. Row permutations hold one tensor at a time; column-only
 * permutations stream.
 */
import type { DraftTensor } from "../../model/draft.js";
import { parseKey } from "../../model/roles.js";
import type { Rng } from "../../numeric/rng.js";
import { dims, gather, gatherCols, gatherRows, mapChunks, mapWhole } from "../tensor-ops.js";
import type { StepFn } from "../types.js";
import { list, requireLlama } from "./common.js";

const RECORD_MAX = 100_000;

interface LayerPerms {
  /** new kv head -> old kv head */
  kv: Int32Array;
  /** new query head -> old query head */
  q: Int32Array;
  /** new expert -> old expert (MoE) */
  experts?: Int32Array;
  /** MLP units per (new) expert, or [dense] */
  units: Int32Array[];
}

/** Row permutation of whole heads: new row (h·hd + d) = old row (perm[h]·hd + d). */
function headRows(perm: Int32Array, hd: number): Int32Array {
  const out = new Int32Array(perm.length * hd);
  for (let h = 0; h < perm.length; h++) for (let d = 0; d < hd; d++) out[h * hd + d] = (perm[h] as number) * hd + d;
  return out;
}

export function drawLayerPerms(rng: Rng, nHeads: number, nKv: number, ffn: number, nExperts: number): LayerPerms {
  const group = nHeads / nKv;
  const kv = rng.permutation(nKv);
  const q = new Int32Array(nHeads);
  for (let g = 0; g < nKv; g++) {
    const inner = rng.permutation(group);
    for (let j = 0; j < group; j++) q[g * group + j] = (kv[g] as number) * group + (inner[j] as number);
  }
  if (nExperts > 0) {
    const experts = rng.permutation(nExperts);
    return { kv, q, experts, units: Array.from({ length: nExperts }, () => rng.permutation(ffn)) };
  }
  return { kv, q, units: [rng.permutation(ffn)] };
}

/** A tensor with rows and/or columns permuted (output row i = input row rows[i], column j = input column cols[j]). */
export function permuted(t: DraftTensor, rows: Int32Array | null, cols: Int32Array | null, key = t.key): DraftTensor {
  const { cols: nCols, vector } = dims(t.shape);
  if (vector) {
    const p = rows ?? cols;
    return p ? mapChunks(t, (c) => gather(c, p), key) : { ...t, key };
  }
  if (!rows) return cols ? mapChunks(t, (c) => gatherCols(c, nCols, cols), key) : { ...t, key };
  return mapWhole(t, (all) => (r0, n) => {
    const out = gatherRows(all, nCols, rows, r0, n);
    return cols ? gatherCols(out, nCols, cols) : out;
  }, key);
}

export const permute: StepFn<{ name: "permute" }> = (draft, _spec, rng) => {
  requireLlama(draft, "permute", "its permutation symmetries differ");
  const p = draft.params;
  const hd = p.headDim;
  const residual = rng.permutation(p.dim);
  const layers: LayerPerms[] = [];
  for (let l = 0; l < p.nLayers; l++) layers.push(drawLayerPerms(rng, p.nHeads, p.nKvHeads, p.ffn, p.nExperts));
  const qRows = layers.map((L) => headRows(L.q, hd));
  const kvRows = layers.map((L) => headRows(L.kv, hd));

  const tensors = draft.tensors.map((t) => {
    const k = parseKey(t.key);
    const L = k.layer === null ? undefined : layers[k.layer];
    switch (k.role) {
      case "embed":
      case "head":
        return permuted(t, null, residual);
      case "final_norm":
      case "attn_norm":
      case "mlp_norm":
        return permuted(t, residual, null);
      case "attn.q":
        return k.bias ? permuted(t, qRows[k.layer as number] as Int32Array, null) : permuted(t, qRows[k.layer as number] as Int32Array, residual);
      case "attn.k":
      case "attn.v":
        return k.bias ? permuted(t, kvRows[k.layer as number] as Int32Array, null) : permuted(t, kvRows[k.layer as number] as Int32Array, residual);
      case "attn.o":
        return k.bias ? permuted(t, residual, null) : permuted(t, residual, qRows[k.layer as number] as Int32Array);
      case "mlp.gate":
      case "mlp.up":
        return permuted(t, L?.units[0] as Int32Array, residual);
      case "mlp.down":
        return permuted(t, residual, L?.units[0] as Int32Array);
      case "moe.router":
        return permuted(t, L?.experts ?? null, residual);
      case "moe.gate":
      case "moe.up":
      case "moe.down": {
        // the new expert e is the old expert experts[e]: read the old one under the new key
        const perms = L as LayerPerms;
        const newE = (perms.experts as Int32Array).indexOf(k.expert as number);
        const units = perms.units[newE] as Int32Array;
        const key = t.key.replace(/\.experts\.\d+\./, `.experts.${newE}.`);
        return k.role === "moe.down" ? permuted(t, residual, units, key) : permuted(t, units, residual, key);
      }
      default:
        return t;
    }
  });
  // keep the draft's order by new key (experts were renamed)
  const order = new Map(draft.tensors.map((t, i) => [t.key, i]));
  tensors.sort((a, b) => (order.get(a.key) ?? 0) - (order.get(b.key) ?? 0));

  const entries = p.dim + layers.reduce((a, L) => a + L.q.length + L.kv.length + (L.experts?.length ?? 0) + L.units.reduce((s, u) => s + u.length, 0), 0);
  const record: Record<string, unknown> = {
    convention: "new index i holds old index perm[i]; query heads move with their kv group (GQA)",
    entries,
  };
  if (entries <= RECORD_MAX) {
    record.residual = list(residual);
    record.layers = layers.map((L) => ({
      kvHeads: list(L.kv),
      qHeads: list(L.q),
      ...(L.experts ? { experts: list(L.experts), units: L.units.map(list) } : { units: list(L.units[0] as Int32Array) }),
    }));
  } else record.omitted = `more than ${RECORD_MAX} entries: re-run with the same seed to regenerate`;
  return { draft: { ...draft, tensors }, truth: { relation: "obfuscated", record } };
};
