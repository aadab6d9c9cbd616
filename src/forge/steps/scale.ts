/**
 * @module forge/steps/scale
 * `scale[:sigma]`: the scaling symmetries of a llama block, leaving the function unchanged.
 * SwiGLU: up row i × c_i, down column i ÷ c_i (silu(gate)·up is linear in up). Attention values:
 * v row × c, o column ÷ c per value dimension of each kv head (the o columns of every query head
 * of the group). Queries/keys: q rows × c, the matching k rows ÷ c, c equal on both members of
 * each rotary pair (i, i + rope/2) and shared by the query heads of a GQA group, so every
 * rotated q·k product is unchanged. Factors are ±exp(sigma·z). Streams (row and column scaling
 * are per chunk).
 */
import type { DraftTensor } from "../../model/draft.js";
import { parseKey } from "../../model/roles.js";
import type { Rng } from "../../numeric/rng.js";
import { dims, mapChunks } from "../tensor-ops.js";
import type { StepFn } from "../types.js";
import { requireLlama, rotaryPartner } from "./common.js";

const RECORD_MAX = 100_000;

/** Multiply row i by rowScale[i] and column j by colScale[j] (either may be absent). */
export function scaled(t: DraftTensor, rowScale: Float64Array | null, colScale: Float64Array | null): DraftTensor {
  if (!rowScale && !colScale) return t;
  const { vector } = dims(t.shape);
  return mapChunks(t, (c, row0, cols) => {
    const out = new Float32Array(c.length);
    if (vector) {
      const s = (rowScale ?? colScale) as Float64Array;
      for (let i = 0; i < c.length; i++) out[i] = (c[i] as number) * (s[i] as number);
      return out;
    }
    const rows = c.length / cols;
    for (let r = 0; r < rows; r++) {
      const rs = rowScale ? (rowScale[row0 + r] as number) : 1;
      const o = r * cols;
      if (colScale) for (let j = 0; j < cols; j++) out[o + j] = (c[o + j] as number) * rs * (colScale[j] as number);
      else for (let j = 0; j < cols; j++) out[o + j] = (c[o + j] as number) * rs;
    }
    return out;
  });
}

function factors(rng: Rng, n: number, sigma: number): Float64Array {
  const c = new Float64Array(n);
  for (let i = 0; i < n; i++) c[i] = (rng.uniform() < 0.5 ? -1 : 1) * Math.exp(sigma * rng.normal());
  return c;
}

function reciprocal(c: Float64Array): Float64Array {
  return c.map((x) => 1 / x);
}

interface LayerScales {
  /** per kv head and dimension: q/k factor (pair-equal), v/o factor */
  qk: Float64Array;
  vo: Float64Array;
  /** per expert (or [dense]): MLP unit factors */
  units: Float64Array[];
}

export const scale: StepFn<{ name: "scale"; sigma: number }> = (draft, spec, rng) => {
  requireLlama(draft, "scale", "its scaling symmetries differ");
  const p = draft.params;
  const hd = p.headDim;
  const nKv = p.nKvHeads;
  const group = p.nHeads / nKv;
  const rope = p.ropeDim || hd;
  const layers: LayerScales[] = [];
  for (let l = 0; l < p.nLayers; l++) {
    const qk = new Float64Array(nKv * hd);
    const raw = factors(rng, nKv * hd, spec.sigma);
    for (let g = 0; g < nKv; g++) {
      for (let d = 0; d < hd; d++) qk[g * hd + d] = raw[g * hd + Math.min(d, rotaryPartner(d, rope))] as number;
    }
    const vo = factors(rng, nKv * hd, spec.sigma);
    const units = Array.from({ length: Math.max(1, p.nExperts) }, () => factors(rng, p.ffn, spec.sigma));
    layers.push({ qk, vo, units });
  }
  /** Per query-head row: the factor of its kv group's dimension. */
  const perQuery = (kvScale: Float64Array): Float64Array => {
    const out = new Float64Array(p.nHeads * hd);
    for (let h = 0; h < p.nHeads; h++) for (let d = 0; d < hd; d++) out[h * hd + d] = kvScale[Math.floor(h / group) * hd + d] as number;
    return out;
  };
  const qScale = layers.map((L) => perQuery(L.qk));
  const kScale = layers.map((L) => reciprocal(L.qk));
  const oScale = layers.map((L) => reciprocal(perQuery(L.vo)));
  const downScale = layers.map((L) => L.units.map(reciprocal));

  const tensors = draft.tensors.map((t) => {
    const k = parseKey(t.key);
    if (k.layer === null) return t;
    const l = k.layer;
    const L = layers[l] as LayerScales;
    switch (k.role) {
      case "attn.q":
        return scaled(t, qScale[l] as Float64Array, null);
      case "attn.k":
        return scaled(t, kScale[l] as Float64Array, null);
      case "attn.v":
        return scaled(t, L.vo, null);
      case "attn.o":
        return k.bias ? t : scaled(t, null, oScale[l] as Float64Array);
      case "mlp.up":
        return scaled(t, L.units[0] as Float64Array, null);
      case "mlp.down":
        return scaled(t, null, (downScale[l] as Float64Array[])[0] as Float64Array);
      case "moe.up":
        return scaled(t, L.units[k.expert as number] as Float64Array, null);
      case "moe.down":
        return scaled(t, null, (downScale[l] as Float64Array[])[k.expert as number] as Float64Array);
      default:
        return t;
    }
  });
  const entries = layers.reduce((a, L) => a + L.qk.length + L.vo.length + L.units.reduce((s, u) => s + u.length, 0), 0);
  const record: Record<string, unknown> = { sigma: spec.sigma, signs: "random", entries };
  if (entries <= RECORD_MAX) {
    record.layers = layers.map((L) => ({ qk: Array.from(L.qk), vo: Array.from(L.vo), units: L.units.map((u) => Array.from(u)) }));
    record.convention = "q rows × qk[kvHead·hd + d] (every query head of the group), k rows ÷ qk; v rows × vo, o columns ÷ vo; up rows × units, down columns ÷ units";
  } else record.omitted = `more than ${RECORD_MAX} factors: re-run with the same seed to regenerate`;
  return { draft: { ...draft, tensors }, truth: { relation: "obfuscated", record } };
};
