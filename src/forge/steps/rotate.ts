/**
 * @module forge/steps/rotate
 * `rotate`: rotate the residual stream by a random orthogonal Q, leaving the function unchanged.
 * First each RMSNorm gain is folded into the columns of the matrices that read its output
 * (attn_norm -> q, k, v; mlp_norm -> gate, up, router, experts; final_norm -> head, untying a tied
 * head) and set to 1 — RMSNorm with unit gain commutes with rotations. Then readers W -> W·Q,
 * writers W -> Qᵀ·W, the embedding E -> E·Q. Q is dense up to 512 dimensions and a
 * structured orthogonal map beyond (orthogonal.ts), float64. Readers stream row by row; writers
 * hold one tensor.
 */
import type { DraftTensor, ModelDraft } from "../../model/draft.js";
import { parseKey } from "../../model/roles.js";
import { collect, dims, lazy, mapChunks, mapWhole } from "../tensor-ops.js";
import type { StepFn } from "../types.js";
import { byKey, requireLlama, tensorSeed } from "./common.js";
import { seededOrthogonal, type Orthogonal } from "./orthogonal.js";

const RECORD_MAX = 100_000;

/** Rows r -> (r ∘ g)·Q, for a [rows, dim] reader of the residual (g absent: no fold). */
function reader(t: DraftTensor, gain: (() => Float32Array) | null, Q: () => Orthogonal, dim: number, key = t.key): DraftTensor {
  return mapChunks(t, (c) => {
    const q = Q();
    const g = gain?.();
    const rows = c.length / dim;
    const out = new Float32Array(c.length);
    const row = new Float64Array(dim);
    const res = new Float64Array(dim);
    for (let r = 0; r < rows; r++) {
      const o = r * dim;
      for (let k = 0; k < dim; k++) row[k] = (c[o + k] as number) * (g ? (g[k] as number) : 1);
      q.apply(row, res);
      out.set(res, o);
    }
    return out;
  }, key);
}

/** Qᵀ·W for a [dim, n] writer into the residual (or Qᵀ·b for its bias): each column c becomes (cᵀ·Q)ᵀ. */
function writer(t: DraftTensor, Q: () => Orthogonal, dim: number): DraftTensor {
  const { cols, vector } = dims(t.shape);
  if (vector) {
    return mapChunks(t, (b) => {
      const res = new Float64Array(dim);
      Q().apply(Float64Array.from(b), res);
      return Float32Array.from(res);
    });
  }
  return mapWhole(t, (all) => {
    const q = Q();
    const rotated = new Float32Array(dim * cols);
    const col = new Float64Array(dim);
    const res = new Float64Array(dim);
    for (let c = 0; c < cols; c++) {
      for (let j = 0; j < dim; j++) col[j] = all[j * cols + c] as number;
      q.apply(col, res);
      for (let i = 0; i < dim; i++) rotated[i * cols + c] = res[i] as number;
    }
    return (r0, n) => rotated.slice(r0 * cols, (r0 + n) * cols);
  });
}

function ones(t: DraftTensor): DraftTensor {
  const n = dims(t.shape).cols;
  return { key: t.key, shape: [...t.shape], chunks: () => [new Float32Array(n).fill(1)] };
}

export const rotate: StepFn<{ name: "rotate" }> = (draft, _spec, _rng, ctx) => {
  requireLlama(draft, "rotate", "rotation needs RMSNorm, whose unit-gain form commutes with rotations (LayerNorm's mean subtraction does not)");
  const p = draft.params;
  const dim = p.dim;
  const seed = tensorSeed(ctx.stepSeed, "rotation");
  const Q = lazy(() => seededOrthogonal(dim, seed));
  const m = byKey(draft);
  const gain = (key: string) => {
    const t = m.get(key);
    return t ? lazy(() => collect(t)) : null;
  };
  const tensors: DraftTensor[] = [];
  for (const t of draft.tensors) {
    const k = parseKey(t.key);
    const L = k.layer;
    switch (k.role) {
      case "embed":
        tensors.push(reader(t, null, Q, dim));
        break;
      case "head":
        tensors.push(reader(t, gain("final_norm"), Q, dim));
        break;
      case "final_norm":
      case "attn_norm":
      case "mlp_norm":
        tensors.push(ones(t));
        break;
      case "attn.q":
      case "attn.k":
      case "attn.v":
        tensors.push(k.bias ? t : reader(t, gain(`layers.${L}.attn_norm`), Q, dim));
        break;
      case "mlp.gate":
      case "mlp.up":
      case "moe.router":
      case "moe.gate":
      case "moe.up":
        tensors.push(reader(t, gain(`layers.${L}.mlp_norm`), Q, dim));
        break;
      case "attn.o":
      case "mlp.down":
      case "moe.down":
        tensors.push(writer(t, Q, dim));
        break;
      default:
        tensors.push(t);
    }
  }
  const untie = p.tiedEmbeddings || !m.has("head");
  if (untie) {
    const embed = m.get("embed");
    if (embed) tensors.push(reader(embed, gain("final_norm"), Q, dim, "head"));
  }
  const out: ModelDraft = { ...draft, params: { ...p, tiedEmbeddings: false }, tensors };
  const record: Record<string, unknown> = { dim, foldedNorms: true, untiedHead: untie, convention: "readers W·diag(g)·Q, writers Qᵀ·W, embed E·Q (Q rows listed when small)" };
  record.structure = Q().structure;
  const q = Q().dense;
  if (q && dim * dim <= RECORD_MAX) {
    record.rotation = Array.from({ length: dim }, (_, i) => Array.from(q.subarray(i * dim, (i + 1) * dim)));
  } else record.omitted = `rotation has more than ${RECORD_MAX} entries: re-run with the same seed to regenerate`;
  return { draft: out, truth: { relation: "obfuscated", untiedHead: untie, record } };
};
