/**
 * @module model/name-rules
 * File tensor names -> canonical keys, for every family pedigree knows. Sources: transformers'
 * modeling files, llama.cpp gguf-py tensor_mapping.py (GGUF names), llama2.c model.py (Meta names),
 * nanoGPT model.py. Named groups: L = layer, E = expert, H = head part, wb = weight|bias|gamma|beta.
 */

export type MappingKind =
  | "plain"
  | "fused-qkv" // rows are [q; k; v]
  | "fused-gate-up" // rows are [gate; up]
  | "stacked-experts" // leading dimension is the expert
  | "head-part" // one head's rows of a q/k/v matrix stored apart (concatenated by H)
  | "conv1d"; // GPT-2 Conv1D: stored [in, out], transposed when the model is Conv1D

export interface NameRule {
  re: RegExp;
  /** Canonical key template: {L}, {E}, {B} (".bias" for biases). */
  key: string;
  kind: MappingKind;
}

/** Tensors that are not weights (buffers, rotary tables, masks): skipped by the canonical view. */
export const IGNORED = [
  /(^|\.)rotary_emb\.inv_freq$/, /(^|\.)attn\.(bias|masked_bias|mask)$/, /^rope_freqs\.weight$/, /^rope_factors_(long|short)\.weight$/,
  /^freq_cis/, /^BUFFER\./, /\.attn\.mask$/, /(^|\.)num_batches_tracked$/,
];

const LAYER = String.raw`(?:model\.|language_model\.model\.|model\.language_model\.|transformer\.)?(?:layers|h|blocks)\.(?<L>\d+)\.`;
const WB = String.raw`(?<wb>weight|bias|gamma|beta)`;
const r = (s: string) => new RegExp(`^(?:${s})$`);

function rules(list: Array<[string, string, MappingKind?]>): NameRule[] {
  return list.map(([re, key, kind]) => ({ re: r(re), key, kind: kind ?? "plain" }));
}

export const NAME_RULES: NameRule[] = rules([
  // --- embeddings, head, final norm (HF, Meta/llama2.c, GGUF, GPT-2/nanoGPT, makemore) ---
  [String.raw`(?:model\.|language_model\.model\.|model\.language_model\.)?embed_tokens\.weight`, "embed"],
  [String.raw`tok_embeddings\.weight|token_embd\.weight|(?:transformer\.)?wte\.weight|tok_emb\.weight|token_embedding_table\.weight`, "embed"],
  [String.raw`(?:transformer\.)?wpe\.weight|pos_emb\.weight|position_embedding_table\.weight|position_embd\.weight`, "pos_embed"],
  [String.raw`(?:language_model\.)?lm_head\.weight|output\.weight|head\.weight|language_head\.weight`, "head"],
  [String.raw`(?:language_model\.)?lm_head\.bias|output\.bias|head\.bias|language_head\.bias`, "head.bias"],
  [String.raw`(?:(?:model\.|language_model\.model\.|model\.language_model\.)?norm|output_norm|(?:transformer\.)?ln_f|layer_norm)\.${WB}`, "final_norm{B}"],

  // --- HF llama / mistral / qwen / gemma / phi3 / deepseek blocks ---
  [`${LAYER}input_layernorm\\.${WB}`, "layers.{L}.attn_norm{B}"],
  [`${LAYER}post_attention_layernorm\\.${WB}`, "layers.{L}.mlp_norm{B}"],
  [`${LAYER}pre_feedforward_layernorm\\.${WB}`, "layers.{L}.mlp_norm{B}"],
  [`${LAYER}post_feedforward_layernorm\\.${WB}`, "layers.{L}.post_mlp_norm{B}"],
  [`${LAYER}self_attn\\.(?<p>q|k|v|o)_proj\\.${WB}`, "layers.{L}.attn.{p}{B}"],
  [`${LAYER}self_attn\\.qkv_proj\\.${WB}`, "layers.{L}.attn.qkv{B}", "fused-qkv"],
  [`${LAYER}self_attn\\.(?<p>q|k)_norm\\.${WB}`, "layers.{L}.attn.{p}_norm{B}"],
  [`${LAYER}self_attn\\.q_a_proj\\.${WB}`, "layers.{L}.attn.q_a{B}"],
  [`${LAYER}self_attn\\.q_a_layernorm\\.${WB}`, "layers.{L}.attn.q_a_norm{B}"],
  [`${LAYER}self_attn\\.q_b_proj\\.${WB}`, "layers.{L}.attn.q_b{B}"],
  [`${LAYER}self_attn\\.kv_a_proj_with_mqa\\.${WB}`, "layers.{L}.attn.kv_a{B}"],
  [`${LAYER}self_attn\\.kv_a_layernorm\\.${WB}`, "layers.{L}.attn.kv_a_norm{B}"],
  [`${LAYER}self_attn\\.kv_b_proj\\.${WB}`, "layers.{L}.attn.kv_b{B}"],
  [`${LAYER}mlp\\.(?<p>gate|up|down)_proj\\.${WB}`, "layers.{L}.mlp.{p}{B}"],
  [`${LAYER}mlp\\.gate_up_proj\\.${WB}`, "layers.{L}.mlp.gate_up{B}", "fused-gate-up"],
  // Mixtral
  [`${LAYER}block_sparse_moe\\.gate\\.weight`, "layers.{L}.moe.router"],
  [`${LAYER}block_sparse_moe\\.experts\\.(?<E>\\d+)\\.w1\\.weight`, "layers.{L}.moe.experts.{E}.gate"],
  [`${LAYER}block_sparse_moe\\.experts\\.(?<E>\\d+)\\.w3\\.weight`, "layers.{L}.moe.experts.{E}.up"],
  [`${LAYER}block_sparse_moe\\.experts\\.(?<E>\\d+)\\.w2\\.weight`, "layers.{L}.moe.experts.{E}.down"],
  // Qwen-MoE / DeepSeek MoE
  [`${LAYER}mlp\\.gate\\.weight`, "layers.{L}.moe.router"],
  [`${LAYER}mlp\\.gate\\.e_score_correction_bias`, "layers.{L}.moe.router_bias"],
  [`${LAYER}mlp\\.experts\\.(?<E>\\d+)\\.(?<p>gate|up|down)_proj\\.weight`, "layers.{L}.moe.experts.{E}.{p}"],
  [`${LAYER}mlp\\.shared_experts?\\.(?<p>gate|up|down)_proj\\.weight`, "layers.{L}.moe.shared.{p}"],
  [`${LAYER}mlp\\.shared_expert_gate\\.weight`, "layers.{L}.moe.shared_router"],

  // --- Meta / llama2.c (model.py) ---
  [`${LAYER}attention\\.w(?<p>q|k|v|o)\\.${WB}`, "layers.{L}.attn.{p}{B}"],
  [`${LAYER}attention_norm\\.${WB}`, "layers.{L}.attn_norm{B}"],
  [`${LAYER}ffn_norm\\.${WB}`, "layers.{L}.mlp_norm{B}"],
  [`${LAYER}feed_forward\\.w1\\.weight`, "layers.{L}.mlp.gate"],
  [`${LAYER}feed_forward\\.w3\\.weight`, "layers.{L}.mlp.up"],
  [`${LAYER}feed_forward\\.w2\\.weight`, "layers.{L}.mlp.down"],
  [`${LAYER}feed_forward\\.gate\\.weight`, "layers.{L}.moe.router"],
  [`${LAYER}feed_forward\\.experts\\.(?<E>\\d+)\\.w1\\.weight`, "layers.{L}.moe.experts.{E}.gate"],
  [`${LAYER}feed_forward\\.experts\\.(?<E>\\d+)\\.w3\\.weight`, "layers.{L}.moe.experts.{E}.up"],
  [`${LAYER}feed_forward\\.experts\\.(?<E>\\d+)\\.w2\\.weight`, "layers.{L}.moe.experts.{E}.down"],

  // --- GGUF (llama.cpp) ---
  [String.raw`blk\.(?<L>\d+)\.attn_norm\.${WB}`, "layers.{L}.attn_norm{B}"],
  [String.raw`blk\.(?<L>\d+)\.ffn_norm\.${WB}`, "layers.{L}.mlp_norm{B}"],
  [String.raw`blk\.(?<L>\d+)\.post_attention_norm\.${WB}`, "layers.{L}.post_attn_norm{B}"],
  [String.raw`blk\.(?<L>\d+)\.post_ffw_norm\.${WB}`, "layers.{L}.post_mlp_norm{B}"],
  [String.raw`blk\.(?<L>\d+)\.attn_(?<p>q|k|v)\.${WB}`, "layers.{L}.attn.{p}{B}"],
  [String.raw`blk\.(?<L>\d+)\.attn_output\.${WB}`, "layers.{L}.attn.o{B}"],
  [String.raw`blk\.(?<L>\d+)\.attn_qkv\.${WB}`, "layers.{L}.attn.qkv{B}", "fused-qkv"],
  [String.raw`blk\.(?<L>\d+)\.attn_(?<p>q|k)_norm\.${WB}`, "layers.{L}.attn.{p}_norm{B}"],
  [String.raw`blk\.(?<L>\d+)\.attn_q_a\.weight`, "layers.{L}.attn.q_a"],
  [String.raw`blk\.(?<L>\d+)\.attn_q_a_norm\.weight`, "layers.{L}.attn.q_a_norm"],
  [String.raw`blk\.(?<L>\d+)\.attn_q_b\.weight`, "layers.{L}.attn.q_b"],
  [String.raw`blk\.(?<L>\d+)\.attn_kv_a_mqa\.weight`, "layers.{L}.attn.kv_a"],
  [String.raw`blk\.(?<L>\d+)\.attn_kv_a_norm\.weight`, "layers.{L}.attn.kv_a_norm"],
  [String.raw`blk\.(?<L>\d+)\.attn_kv_b\.weight`, "layers.{L}.attn.kv_b"],
  [String.raw`blk\.(?<L>\d+)\.attn_k_b\.weight`, "layers.{L}.attn.k_b"],
  [String.raw`blk\.(?<L>\d+)\.attn_v_b\.weight`, "layers.{L}.attn.v_b"],
  [String.raw`blk\.(?<L>\d+)\.ffn_(?<p>gate|up|down)\.${WB}`, "layers.{L}.mlp.{p}{B}"],
  [String.raw`blk\.(?<L>\d+)\.ffn_(?<p>gate|up|down)\.(?<E>\d+)\.weight`, "layers.{L}.moe.experts.{E}.{p}"],
  [String.raw`blk\.(?<L>\d+)\.ffn_gate_inp\.weight`, "layers.{L}.moe.router"],
  [String.raw`blk\.(?<L>\d+)\.exp_probs_b\.bias`, "layers.{L}.moe.router_bias"],
  [String.raw`blk\.(?<L>\d+)\.ffn_(?<p>gate|up|down)_exps\.weight`, "layers.{L}.moe.experts.*.{p}", "stacked-experts"],
  [String.raw`blk\.(?<L>\d+)\.ffn_(?<p>gate|up|down)_shexp\.weight`, "layers.{L}.moe.shared.{p}"],
  [String.raw`blk\.(?<L>\d+)\.ffn_gate_inp_shexp\.weight`, "layers.{L}.moe.shared_router"],

  // --- GPT-2 / nanoGPT / "transformer.h" (Qwen-1 style) ---
  [`${LAYER}ln_1\\.${WB}`, "layers.{L}.attn_norm{B}"],
  [`${LAYER}ln_2\\.${WB}`, "layers.{L}.mlp_norm{B}"],
  [`${LAYER}attn\\.c_attn\\.${WB}`, "layers.{L}.attn.qkv{B}", "fused-qkv"],
  [`${LAYER}attn\\.(?<p>q|k|v|o)_proj\\.${WB}`, "layers.{L}.attn.{p}{B}"],
  [`${LAYER}attn\\.c_proj\\.${WB}`, "layers.{L}.attn.o{B}", "conv1d"],
  [`${LAYER}mlp\\.c_fc\\.${WB}`, "layers.{L}.mlp.up{B}", "conv1d"],
  [`${LAYER}mlp\\.c_proj\\.${WB}`, "layers.{L}.mlp.down{B}", "conv1d"],
  // Qwen-1's gated MLP: a1 = w1(x), a2 = w2(x), out = c_proj(a1 * silu(a2)) -> w2 is the gate
  [`${LAYER}mlp\\.w1\\.weight`, "layers.{L}.mlp.up"],
  [`${LAYER}mlp\\.w2\\.weight`, "layers.{L}.mlp.gate"],

  // --- makemore (karpathy/makemore-style per-head modules) ---
  [String.raw`block(?<L>\d+)\.layer_norm1\.${WB}`, "layers.{L}.attn_norm{B}"],
  [String.raw`block(?<L>\d+)\.layer_norm2\.${WB}`, "layers.{L}.mlp_norm{B}"],
  [String.raw`block(?<L>\d+)\.sa_heads\.head_(?<H>\d+)\.query\.weight`, "layers.{L}.attn.q", "head-part"],
  [String.raw`block(?<L>\d+)\.sa_heads\.head_(?<H>\d+)\.key\.weight`, "layers.{L}.attn.k", "head-part"],
  [String.raw`block(?<L>\d+)\.sa_heads\.head_(?<H>\d+)\.value\.weight`, "layers.{L}.attn.v", "head-part"],
  [String.raw`block(?<L>\d+)\.sa_heads\.proj\.${WB}`, "layers.{L}.attn.o{B}"],
  [String.raw`block(?<L>\d+)\.feed_forward\.ff\.${WB}`, "layers.{L}.mlp.up{B}"],
  [String.raw`block(?<L>\d+)\.feed_forward\.proj\.${WB}`, "layers.{L}.mlp.down{B}"],
]);

export interface NameMatch {
  key: string;
  kind: MappingKind;
  /** Head index for head-part tensors. */
  part: number;
}

export function matchName(name: string): NameMatch | undefined {
  for (const rule of NAME_RULES) {
    const m = rule.re.exec(name);
    if (!m) continue;
    const g = m.groups ?? {};
    const bias = g.wb === "bias" || g.wb === "beta";
    const key = rule.key
      .replace("{L}", g.L ?? "")
      .replace("{E}", g.E ?? "")
      .replace("{p}", g.p ?? "")
      .replace("{B}", bias ? ".bias" : "");
    return { key, kind: rule.kind, part: g.H !== undefined ? Number(g.H) : 0 };
  }
  return undefined;
}

export function isIgnored(name: string): boolean {
  return IGNORED.some((re) => re.test(name));
}
