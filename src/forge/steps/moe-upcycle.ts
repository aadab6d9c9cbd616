/**
 * @module forge/steps/moe-upcycle
 * `moe-upcycle:<experts>[:topk[:noise]]`: sparse upcycling into a Mixtral-style mixture of
 * experts (dev-families A-moe): every layer's MLP copied into each expert plus small Gaussian
 * noise (std = noise × the matrix's std, 0.01 by default; 0 gives exact copies), and a new router
 * N(0, 0.02) of [experts, dim]. Mixtral tensor names; params.nExperts / expertsPerToken set.
 * Each expert copy holds the parent matrix (cached while consecutive experts read it).
 */
import { UsageError } from "../../errors.js";
import type { DraftTensor } from "../../model/draft.js";
import { parseKey } from "../../model/roles.js";
import { fillGaussian } from "../gaussian.js";
import { collect, dims, fromRows, moments } from "../tensor-ops.js";
import type { StepFn } from "../types.js";
import { byKey, tensorSeed } from "./common.js";

export const ROUTER_STD = 0.02;

export const moeUpcycle: StepFn<{ name: "moe-upcycle"; experts: number; topk: number; noise: number }> = (draft, spec, _rng, ctx) => {
  const p = draft.params;
  if (p.nExperts > 0) throw new UsageError(`moe-upcycle: the model is already a mixture of ${p.nExperts} experts`);
  if (p.block !== "llama") throw new UsageError(`moe-upcycle makes Mixtral-style experts from SwiGLU MLPs; this is a ${p.block} model`);
  const m = byKey(draft);
  for (let l = 0; l < p.nLayers; l++) {
    for (const r of ["gate", "up", "down"]) if (!m.has(`layers.${l}.mlp.${r}`)) throw new UsageError(`moe-upcycle: layer ${l} has no mlp.${r}`);
  }
  // one cached parent matrix: expert copies of the same matrix are produced one after another
  let cached: { t: DraftTensor; values: Float32Array; std: number } | null = null;
  const parentValues = (t: DraftTensor) => {
    if (cached?.t !== t) {
      cached = null;
      const values = collect(t);
      cached = { t, values, std: moments(values).std };
    }
    return cached;
  };
  const expertCopy = (t: DraftTensor, key: string): DraftTensor => {
    const { cols } = dims(t.shape);
    const seed = tensorSeed(ctx.stepSeed, key);
    return {
      key,
      shape: [...t.shape],
      chunks: () => {
        const { values, std } = parentValues(t);
        return fromRows(key, [...t.shape], (r0, n) => {
          const out = fillGaussian(new Float32Array(n * cols), seed, r0 * cols, spec.noise * std);
          for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + (values[r0 * cols + i] as number);
          return out;
        }).chunks();
      },
    };
  };
  const tensors: DraftTensor[] = [];
  for (const t of draft.tensors) {
    const k = parseKey(t.key);
    if (k.layer !== null && (k.role === "mlp.gate" || k.role === "mlp.up" || k.role === "mlp.down")) {
      if (k.bias) throw new UsageError(`moe-upcycle: MLP biases (${t.key}) have no place in Mixtral experts`);
      const part = k.role.slice(4);
      if (part === "gate") {
        const key = `layers.${k.layer}.moe.router`;
        const seed = tensorSeed(ctx.stepSeed, key);
        tensors.push(fromRows(key, [spec.experts, p.dim], (r0, n) => fillGaussian(new Float32Array(n * p.dim), seed, r0 * p.dim, ROUTER_STD)));
      }
      for (let e = 0; e < spec.experts; e++) tensors.push(expertCopy(t, `layers.${k.layer}.moe.experts.${e}.${part}`));
      continue;
    }
    tensors.push(t);
  }
  return {
    draft: { ...draft, params: { ...p, nExperts: spec.experts, expertsPerToken: spec.topk }, tensors, architecture: "MixtralForCausalLM" },
    truth: { relation: "moe-upcycle", record: { experts: spec.experts, topk: spec.topk, expertNoise: spec.noise, routerStd: ROUTER_STD, expertsFrom: "each layer's MLP" } },
  };
};
