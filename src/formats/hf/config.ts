/**
 * @module formats/hf/config
 * config.json (transformers) -> declared hyper-parameters and architecture. Multimodal configs nest
 * the language model under `text_config`; transformers >= 5 moves rope_theta into rope_parameters.
 */
import { BadInputError } from "../../errors.js";
import { jsonDepth, MAX_JSON_DEPTH } from "../json-keys.js";
import type { DeclaredParams } from "../../model/hyper-params.js";

type Json = Record<string, unknown>;

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

export interface HfConfig {
  architecture?: string;
  modelType?: string;
  params: DeclaredParams;
  raw: Json;
}

export function parseHfConfig(text: string, path: string): HfConfig {
  const depth = jsonDepth(text);
  if (depth > MAX_JSON_DEPTH) throw new BadInputError(path, `config.json is nested ${depth} deep (limit ${MAX_JSON_DEPTH})`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new BadInputError(path, "config.json is not valid JSON");
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new BadInputError(path, "config.json is not a JSON object");
  const top = raw as Json;
  const text_config = top.text_config;
  const c: Json = typeof text_config === "object" && text_config !== null ? { ...top, ...(text_config as Json) } : top;
  const rope = (c.rope_parameters ?? {}) as Json;
  const archs = Array.isArray(c.architectures) ? c.architectures : [];
  const act = String(c.hidden_act ?? c.activation_function ?? "");
  const params: DeclaredParams = {
    dim: num(c.hidden_size) ?? num(c.n_embd) ?? num(c.d_model),
    nLayers: num(c.num_hidden_layers) ?? num(c.n_layer),
    nHeads: num(c.num_attention_heads) ?? num(c.n_head),
    nKvHeads: num(c.num_key_value_heads) ?? num(c.num_attention_heads) ?? num(c.n_head),
    headDim: num(c.head_dim),
    ffn: num(c.moe_intermediate_size) ?? num(c.intermediate_size) ?? num(c.n_inner),
    vocab: num(c.vocab_size),
    ctx: num(c.max_position_embeddings) ?? num(c.n_positions),
    normEps: num(c.rms_norm_eps) ?? num(c.layer_norm_eps) ?? num(c.layer_norm_epsilon),
    ropeTheta: num(c.rope_theta) ?? num(rope.rope_theta),
    nExperts: num(c.num_local_experts) ?? num(c.num_experts) ?? num(c.n_routed_experts),
    expertsPerToken: num(c.num_experts_per_tok),
  };
  if (act) params.activation = act.startsWith("gelu") ? (act.includes("tanh") || act === "gelu_new" || act === "gelu_pytorch_tanh" ? "gelu_tanh" : "gelu") : act === "relu" ? "relu" : "silu";
  const prf = num(c.partial_rotary_factor);
  if (prf && params.dim && params.nHeads) params.ropeDim = Math.round(prf * (params.headDim ?? params.dim / params.nHeads));
  for (const k of Object.keys(params) as Array<keyof DeclaredParams>) if (params[k] === undefined) delete params[k];
  return { architecture: typeof archs[0] === "string" ? archs[0] : undefined, modelType: typeof c.model_type === "string" ? c.model_type : undefined, params, raw: top };
}
