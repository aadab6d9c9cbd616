/**
 * @module forge/steps/rotate
 * `rotate`: rotate the residual stream by a random orthogonal Q, leaving the function unchanged.
 * First each RMSNorm gain is folded into the columns of the matrices that read its output
 * (attn_norm -> q, k, v; mlp_norm -> gate, up, router, experts; final_norm -> head, untying a tied
 * head) and set to 1 — RMSNorm with unit gain commutes with rotations. Then readers W -> W·Q,
 * writers W -> Qᵀ·W, the embedding E -> E·Q. Q is Gram-Schmidt of a seeded Gaussian matrix
 * (float64). Readers stream row by row; writers hold one tensor. O(dim) flops per value: fine for
 * small and mid-size models, hours for 7B.
 */
import type { DraftTensor, ModelDraft } from "../../model/draft.js";
import { parseKey } from "../../model/roles.js";
import { randomOrthogonal } from "../linalg.js";
import { collect, dims, lazy, mapChunks, mapWhole } from "../tensor-ops.js";
import type { StepFn } from "../types.js";
import { byKey, requireLlama, tensorSeed } from "./common.js";

const RECORD_MAX = 100_000;

/** Rows r -> (r ∘ g)·Q, for a [rows, dim] reader of the residual (g absent: no fold). `QT` is Qᵀ. */
function reader(t: DraftTensor, gain: (() => Float32Array) | null, QT: () => Float64Array, dim: number, key = t.key): DraftTensor {
  return mapChunks(t, (c) => {
    const qt = QT();
    const g = gain?.();
    const rows = c.length / dim;
    const out = new Float32Array(c.length);
    const row = new Float64Array(dim);
    for (let r = 0; r < rows; r++) {
      const o = r * dim;
      for (let k = 0; k < dim; k++) row[k] = (c[o + k] as number) * (g ? (g[k] as number) : 1);
      // out[j] = Σ_k row[k]·Q[k][j] = row · (row j of Qᵀ)
      for (let j = 0; j < dim; j++) out[o + j] = dot(row, 0, qt, j * dim, dim);
    }
    return out;
  }, key);
}

/** Four-way unrolled dot product of a[ao..ao+n) and b[bo..bo+n). */
function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < n; k += 4) {
    s0 += (a[ao + k] as number) * (b[bo + k] as number);
    s1 += (a[ao + k + 1] as number) * (b[bo + k + 1] as number);
    s2 += (a[ao + k + 2] as number) * (b[bo + k + 2] as number);
    s3 += (a[ao + k + 3] as number) * (b[bo + k + 3] as number);
  }
  for (; k < n; k++) s0 += (a[ao + k] as number) * (b[bo + k] as number);
  return s0 + s1 + (s2 + s3);
}

/** Qᵀ·W for a [dim, n] writer into the residual (or Qᵀ·b for its bias). `QT` is Qᵀ. */
function writer(t: DraftTensor, QT: () => Float64Array, dim: number): DraftTensor {
  const { cols, vector } = dims(t.shape);
  if (vector) {
    return mapChunks(t, (b) => {
      const qt = QT();
      const b64 = Float64Array.from(b);
      const out = new Float32Array(dim);
      for (let i = 0; i < dim; i++) out[i] = dot(qt, i * dim, b64, 0, dim);
      return out;
    });
  }
  return mapWhole(t, (all) => {
    // Wᵀ, so that out[i][c] = (row i of Qᵀ) · (row c of Wᵀ) runs over contiguous memory
    const wt = new Float64Array(cols * dim);
    for (let j = 0; j < dim; j++) for (let c = 0; c < cols; c++) wt[c * dim + j] = all[j * cols + c] as number;
    return (r0, n) => {
      const qt = QT();
      const out = new Float32Array(n * cols);
      for (let i = 0; i < n; i++) for (let c = 0; c < cols; c++) out[i * cols + c] = dot(qt, (r0 + i) * dim, wt, c * dim, dim);
      return out;
    };
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
  const Q = lazy(() => randomOrthogonal(dim, seed));
  const QT = lazy(() => {
    const q = Q();
    const t = new Float64Array(dim * dim);
    for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) t[j * dim + i] = q[i * dim + j] as number;
    return t;
  });
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
        tensors.push(reader(t, null, QT, dim));
        break;
      case "head":
        tensors.push(reader(t, gain("final_norm"), QT, dim));
        break;
      case "final_norm":
      case "attn_norm":
      case "mlp_norm":
        tensors.push(ones(t));
        break;
      case "attn.q":
      case "attn.k":
      case "attn.v":
        tensors.push(k.bias ? t : reader(t, gain(`layers.${L}.attn_norm`), QT, dim));
        break;
      case "mlp.gate":
      case "mlp.up":
      case "moe.router":
      case "moe.gate":
      case "moe.up":
        tensors.push(reader(t, gain(`layers.${L}.mlp_norm`), QT, dim));
        break;
      case "attn.o":
      case "mlp.down":
      case "moe.down":
        tensors.push(writer(t, QT, dim));
        break;
      default:
        tensors.push(t);
    }
  }
  const untie = p.tiedEmbeddings || !m.has("head");
  if (untie) {
    const embed = m.get("embed");
    if (embed) tensors.push(reader(embed, gain("final_norm"), QT, dim, "head"));
  }
  const out: ModelDraft = { ...draft, params: { ...p, tiedEmbeddings: false }, tensors };
  const record: Record<string, unknown> = { dim, foldedNorms: true, untiedHead: untie, convention: "readers W·diag(g)·Q, writers Qᵀ·W, embed E·Q (Q rows listed when small)" };
  if (dim * dim <= RECORD_MAX) {
    const q = Q();
    record.rotation = Array.from({ length: dim }, (_, i) => Array.from(q.subarray(i * dim, (i + 1) * dim)));
  } else record.omitted = `rotation has more than ${RECORD_MAX} entries: re-run with the same seed to regenerate`;
  return { draft: out, truth: { relation: "obfuscated", untiedHead: untie, record } };
};
