/**
 * @module forge/steps/common
 * What several steps share: per-tensor seeds, checks that a model is a llama-family block the
 * step understands, and grouping a draft's tensors by layer.
 */
import { UsageError } from "../../errors.js";
import type { DraftTensor, ModelDraft } from "../../model/draft.js";
import { parseKey, type Role } from "../../model/roles.js";
import { seedOf } from "../../numeric/rng.js";
import { mixSeed } from "../gaussian.js";

/** The seed of a tensor's random stream inside a step (independent of the order tensors are visited in). */
export function tensorSeed(stepSeed: number, key: string, salt = 0): number {
  return mixSeed(mixSeed(stepSeed, seedOf(key)), salt);
}

/** Roles the function-preserving steps know how to transform (llama / mistral / mixtral blocks). */
export const LLAMA_ROLES = new Set<Role>(["embed", "head", "final_norm", "attn_norm", "attn.q", "attn.k", "attn.v", "attn.o", "mlp_norm", "mlp.gate", "mlp.up", "mlp.down", "moe.router", "moe.gate", "moe.up", "moe.down"]);

/** Fail unless the model is a llama-family (RMSNorm, SwiGLU, rotary) model made only of roles the step handles. */
export function requireLlama(d: ModelDraft, step: string, why: string): void {
  const p = d.params;
  if (p.block !== "llama" || p.norm !== "rms") {
    const kind = p.block === "gpt2" ? "a GPT-2 model (LayerNorm with biases, learned positions)" : `a ${p.block} model with ${p.norm === "rms" ? "RMSNorm" : "LayerNorm"}`;
    throw new UsageError(`${step} needs a llama-family model (RMSNorm, SwiGLU, rotary attention): this is ${kind}; ${why}`);
  }
  for (const t of d.tensors) {
    const k = parseKey(t.key);
    const okBias = k.bias && (k.role === "attn.q" || k.role === "attn.k" || k.role === "attn.v" || k.role === "attn.o");
    if (!LLAMA_ROLES.has(k.role) || (k.bias && !okBias)) {
      throw new UsageError(`${step}: the model has tensor ${t.key}, which ${step} cannot transform without changing the model's function`);
    }
  }
  if (!p.nHeads || !p.headDim || p.nHeads % Math.max(1, p.nKvHeads) !== 0) throw new UsageError(`${step}: the model's head layout is unknown (heads ${p.nHeads}, kv heads ${p.nKvHeads}, head size ${p.headDim})`);
}

/** Tensors by key. */
export function byKey(d: ModelDraft): Map<string, DraftTensor> {
  return new Map(d.tensors.map((t) => [t.key, t]));
}

/** The tensor under `key`, or a UsageError naming the step. */
export function need(m: Map<string, DraftTensor>, key: string, step: string): DraftTensor {
  const t = m.get(key);
  if (!t) throw new UsageError(`${step}: the model has no tensor ${key}`);
  return t;
}

/** Replace `layers.<from>.` with `layers.<to>.` in a canonical key. */
export function relayerKey(key: string, to: number): string {
  return key.replace(/^layers\.\d+\./, `layers.${to}.`);
}

/** Rotary partner of dimension d inside a head (HF rotate_half layout; dimensions past ropeDim pair with themselves). */
export function rotaryPartner(d: number, ropeDim: number): number {
  if (d >= ropeDim) return d;
  const half = ropeDim / 2;
  return d < half ? d + half : d - half;
}

/** Integers 0..n-1 as a plain array. */
export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** A small Int32Array as a plain array for JSON. */
export function list(a: Int32Array): number[] {
  return Array.from(a);
}
