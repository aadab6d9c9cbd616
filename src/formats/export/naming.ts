/**
 * @module formats/export/naming
 * Canonical keys -> tensor names of a target naming scheme (the inverse of model/name-rules.ts):
 * Hugging Face Llama/Mixtral, Meta/llama2.c, llama.cpp GGUF, and Qwen-1's "transformer.h".
 */
import { PedigreeError } from "../../errors.js";
import { parseKey } from "../../model/roles.js";

export type NamingScheme = "hf" | "meta" | "gguf" | "transformer-h";

const HF: Record<string, string> = {
  embed: "model.embed_tokens", head: "lm_head", final_norm: "model.norm",
  attn_norm: "input_layernorm", mlp_norm: "post_attention_layernorm",
  "attn.q": "self_attn.q_proj", "attn.k": "self_attn.k_proj", "attn.v": "self_attn.v_proj", "attn.o": "self_attn.o_proj",
  "mlp.gate": "mlp.gate_proj", "mlp.up": "mlp.up_proj", "mlp.down": "mlp.down_proj",
  "moe.router": "block_sparse_moe.gate", "moe.gate": "w1", "moe.up": "w3", "moe.down": "w2",
};
const META: Record<string, string> = {
  embed: "tok_embeddings", head: "output", final_norm: "norm",
  attn_norm: "attention_norm", mlp_norm: "ffn_norm",
  "attn.q": "attention.wq", "attn.k": "attention.wk", "attn.v": "attention.wv", "attn.o": "attention.wo",
  "mlp.gate": "feed_forward.w1", "mlp.up": "feed_forward.w3", "mlp.down": "feed_forward.w2",
  "moe.router": "feed_forward.gate", "moe.gate": "w1", "moe.up": "w3", "moe.down": "w2",
};
const GGUF: Record<string, string> = {
  embed: "token_embd", head: "output", final_norm: "output_norm", pos_embed: "position_embd",
  attn_norm: "attn_norm", mlp_norm: "ffn_norm",
  "attn.q": "attn_q", "attn.k": "attn_k", "attn.v": "attn_v", "attn.o": "attn_output",
  "mlp.gate": "ffn_gate", "mlp.up": "ffn_up", "mlp.down": "ffn_down",
  "moe.router": "ffn_gate_inp", "moe.gate": "ffn_gate", "moe.up": "ffn_up", "moe.down": "ffn_down",
};
const TRANSFORMER_H: Record<string, string> = {
  embed: "transformer.wte", head: "lm_head", final_norm: "transformer.ln_f",
  attn_norm: "ln_1", mlp_norm: "ln_2",
  "attn.q": "attn.q_proj", "attn.k": "attn.k_proj", "attn.v": "attn.v_proj", "attn.o": "attn.o_proj",
  "mlp.gate": "mlp.w2", "mlp.up": "mlp.w1", "mlp.down": "mlp.c_proj",
};

export function tensorName(key: string, scheme: NamingScheme): string {
  const p = parseKey(key);
  const table = scheme === "hf" ? HF : scheme === "meta" ? META : scheme === "gguf" ? GGUF : TRANSFORMER_H;
  const stem = table[p.role];
  if (stem === undefined) throw new PedigreeError("unsupported", `no ${scheme} name for tensor ${key}`);
  const suffix = p.bias ? "bias" : "weight";
  if (p.layer === null) return `${stem}.${suffix}`;
  const L = p.layer;
  if (p.expert !== null) {
    if (scheme === "hf") return `model.layers.${L}.block_sparse_moe.experts.${p.expert}.${stem}.${suffix}`;
    if (scheme === "meta") return `layers.${L}.feed_forward.experts.${p.expert}.${stem}.${suffix}`;
    if (scheme === "gguf") return `blk.${L}.${stem}.${p.expert}.${suffix}`;
    throw new PedigreeError("unsupported", `no ${scheme} name for expert tensor ${key}`);
  }
  switch (scheme) {
    case "hf": return `model.layers.${L}.${stem}.${suffix}`;
    case "meta": return `layers.${L}.${stem}.${suffix}`;
    case "gguf": return `blk.${L}.${stem}.${suffix}`;
    case "transformer-h": return `transformer.h.${L}.${stem}.${suffix}`;
  }
}
