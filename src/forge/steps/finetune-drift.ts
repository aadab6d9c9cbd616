/**
 * @module forge/steps/finetune-drift
 * `finetune-drift[:rel[:rank]]`: the change fine-tuning or continued pre-training makes. Every
 * tensor W becomes W + Δ with Δ = a·G + b·U·V: G dense Gaussian, U·V a rank-r part (V r orthonormal
 * rows), G's rows projected off V's row space and normalised, so the parts are exactly orthogonal
 * and ||Δ||_F = rel·||W||_F exactly, with a quarter of Δ's energy in the low-rank part. Holds one
 * tensor at a time (for its norm); Δ is generated row by row from counter-based streams.
 */
import type { DraftTensor } from "../../model/draft.js";
import { fillGaussian } from "../gaussian.js";
import { orthonormalRows } from "../linalg.js";
import { dims, mapWhole, moments } from "../tensor-ops.js";
import type { StepFn } from "../types.js";
import { tensorSeed } from "./common.js";

/** Share of ||Δ||² in the low-rank part. */
export const LOW_RANK_SHARE = 0.25;

/**
 * W + Δ with ||Δ||_F = rel·||W||_F: dense part plus a rank-`rank` part (`lowShare` of the energy).
 * `rank` 0 gives a dense Δ only.
 */
export function driftTensor(t: DraftTensor, rel: number, rank: number, seed: number, lowShare = LOW_RANK_SHARE): DraftTensor {
  const { rows, cols } = dims(t.shape);
  const r = rows > 1 ? Math.max(0, Math.min(rank, rows, cols - 1)) : 0;
  const share = r > 0 ? lowShare : 0;
  return mapWhole(t, (all) => {
    const target = rel * moments(all).norm;
    const V = r ? orthonormalRows(r, cols, seed ^ 0x1234567) : new Float64Array(0);
    const U = r ? fillGaussian(new Float32Array(rows * r), seed ^ 0x7654321) : new Float32Array(0);
    let u2 = 0;
    for (let i = 0; i < U.length; i++) u2 += (U[i] as number) ** 2;
    const a = Math.sqrt(1 - share) * target / Math.sqrt(rows * cols);
    const b = share > 0 && u2 > 0 ? (Math.sqrt(share) * target) / Math.sqrt(u2) : 0;
    // V transposed ([cols][r]) so each column's r entries are adjacent
    const VT = new Float64Array(cols * r);
    for (let j = 0; j < r; j++) for (let k = 0; k < cols; k++) VT[k * r + j] = V[j * cols + k] as number;
    const g = new Float32Array(cols);
    const dots = new Float64Array(r);
    const coef = new Float64Array(r);
    return (r0, n) => {
      const out = all.slice(r0 * cols, (r0 + n) * cols);
      for (let i = 0; i < n; i++) {
        const ri = r0 + i;
        fillGaussian(g, seed, ri * cols);
        // the dense row is g minus its projection on V's (orthonormal) rows, normalised to sqrt(cols):
        // with d = V·g, ||g − Vᵀd||² = ||g||² − ||d||², so it is never formed
        dots.fill(0);
        let g2 = 0;
        for (let k = 0; k < cols; k++) {
          const x = g[k] as number;
          g2 += x * x;
          const o = k * r;
          for (let j = 0; j < r; j++) dots[j] = (dots[j] as number) + x * (VT[o + j] as number);
        }
        let d2 = 0;
        for (let j = 0; j < r; j++) d2 += (dots[j] as number) ** 2;
        const norm2 = g2 - d2;
        const s = norm2 > 0 ? (a * Math.sqrt(cols)) / Math.sqrt(norm2) : 0;
        // Δ = s·(g − Vᵀd) + b·Vᵀu = s·g + Vᵀ(b·u − s·d)
        for (let j = 0; j < r; j++) coef[j] = b * (U[ri * r + j] as number) - s * (dots[j] as number);
        const o = i * cols;
        for (let k = 0; k < cols; k++) {
          let low = 0;
          const v = k * r;
          for (let j = 0; j < r; j++) low += (coef[j] as number) * (VT[v + j] as number);
          out[o + k] = (out[o + k] as number) + s * (g[k] as number) + low;
        }
      }
      return out;
    };
  });
}

export const finetuneDrift: StepFn<{ name: "finetune-drift"; rel: number; rank: number }> = (draft, spec, _rng, ctx) => {
  const tensors = draft.tensors.map((t) => driftTensor(t, spec.rel, spec.rank, tensorSeed(ctx.stepSeed, t.key)));
  return {
    draft: { ...draft, tensors },
    truth: { relation: "finetune", record: { rel: spec.rel, rank: spec.rank, lowRankShare: LOW_RANK_SHARE, tensors: "all (matrices: dense + low rank; vectors: dense)" } },
  };
};
