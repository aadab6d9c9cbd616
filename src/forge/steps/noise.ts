/**
 * @module forge/steps/noise
 * `noise[:rel]`: i.i.d. Gaussian noise added to every tensor, std = rel × that tensor's standard
 * deviation (the Llama3-V-style disguise; dev-families A-noise used 0.05). Holds one tensor at a
 * time, for its standard deviation.
 */
import type { DraftTensor } from "../../model/draft.js";
import { fillGaussian } from "../gaussian.js";
import { dims, mapWhole, moments } from "../tensor-ops.js";
import type { StepFn } from "../types.js";
import { tensorSeed } from "./common.js";

export function noisyTensor(t: DraftTensor, rel: number, seed: number): DraftTensor {
  const { cols } = dims(t.shape);
  return mapWhole(t, (all) => {
    const std = rel * moments(all).std;
    return (r0, n) => {
      const out = fillGaussian(new Float32Array(n * cols), seed, r0 * cols, std);
      const src = all.subarray(r0 * cols, (r0 + n) * cols);
      for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + (src[i] as number);
      return out;
    };
  });
}

export const noise: StepFn<{ name: "noise"; rel: number }> = (draft, spec, _rng, ctx) => ({
  draft: { ...draft, tensors: draft.tensors.map((t) => noisyTensor(t, spec.rel, tensorSeed(ctx.stepSeed, t.key))) },
  truth: { relation: "noise", record: { rel: spec.rel, std: "rel × each tensor's standard deviation" } },
});
