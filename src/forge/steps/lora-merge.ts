/**
 * @module forge/steps/lora-merge
 * `lora-merge[:rank[:rel]]`: a LoRA fine-tune with its adapters merged, as PEFT's merge_and_unload
 * leaves it: W + B·A on the attention q/v and MLP gate/up projections (experts' too), B [out x r]
 * and A [r x in] Gaussian, scaled so ||B·A||_F = rel·||W||_F exactly. Other tensors are untouched.
 */
import type { DraftTensor } from "../../model/draft.js";
import { parseKey } from "../../model/roles.js";
import { fillGaussian } from "../gaussian.js";
import { dims, mapWhole, moments } from "../tensor-ops.js";
import type { StepFn } from "../types.js";
import { tensorSeed } from "./common.js";

export const LORA_TARGETS = new Set(["attn.q", "attn.v", "mlp.gate", "mlp.up", "moe.gate", "moe.up"]);

function loraTensor(t: DraftTensor, rank: number, rel: number, seed: number): DraftTensor {
  const { rows, cols } = dims(t.shape);
  const r = Math.min(rank, rows, cols);
  return mapWhole(t, (all) => {
    const target = rel * moments(all).norm;
    const B = fillGaussian(new Float32Array(rows * r), seed ^ 0x2b2b2b2b);
    const A = fillGaussian(new Float32Array(r * cols), seed ^ 0x1a1a1a1a);
    // ||B·A||² = Σ_kl (BᵀB)_kl (AAᵀ)_kl
    const btb = new Float64Array(r * r);
    const aat = new Float64Array(r * r);
    for (let i = 0; i < rows; i++) {
      for (let k = 0; k < r; k++) {
        const bk = B[i * r + k] as number;
        for (let l = 0; l < r; l++) btb[k * r + l] = (btb[k * r + l] as number) + bk * (B[i * r + l] as number);
      }
    }
    for (let k = 0; k < r; k++) {
      for (let l = 0; l < r; l++) {
        let s = 0;
        for (let c = 0; c < cols; c++) s += (A[k * cols + c] as number) * (A[l * cols + c] as number);
        aat[k * r + l] = s;
      }
    }
    let n2 = 0;
    for (let i = 0; i < r * r; i++) n2 += (btb[i] as number) * (aat[i] as number);
    const scale = n2 > 0 ? target / Math.sqrt(n2) : 0;
    return (r0, n) => {
      const out = all.slice(r0 * cols, (r0 + n) * cols);
      for (let i = 0; i < n; i++) {
        const o = i * cols;
        for (let k = 0; k < r; k++) {
          const bk = scale * (B[(r0 + i) * r + k] as number);
          const ao = k * cols;
          for (let c = 0; c < cols; c++) out[o + c] = (out[o + c] as number) + bk * (A[ao + c] as number);
        }
      }
      return out;
    };
  });
}

export const loraMerge: StepFn<{ name: "lora-merge"; rank: number; rel: number }> = (draft, spec, _rng, ctx) => {
  const targets: string[] = [];
  const tensors = draft.tensors.map((t) => {
    const k = parseKey(t.key);
    if (k.bias || t.shape.length !== 2 || !LORA_TARGETS.has(k.role)) return t;
    targets.push(t.key);
    return loraTensor(t, spec.rank, spec.rel, tensorSeed(ctx.stepSeed, t.key));
  });
  return {
    draft: { ...draft, tensors },
    truth: { relation: "lora", record: { rank: spec.rank, rel: spec.rel, targets: "q, v, gate, up", tensors: targets.length } },
  };
};
