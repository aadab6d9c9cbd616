/**
 * @module formats/export/hf-dir
 * Write a draft as a Hugging Face model folder: config.json, model.safetensors (sharded past a
 * size), tokenizer.json when the vocabulary is known, and a README.md card with the declarations.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify as toYaml } from "yaml";
import { PedigreeError } from "../../errors.js";
import type { ElementDtype } from "../../model/dtype.js";
import type { DraftTensor, ModelDraft } from "../../model/draft.js";
import { writeSafetensors, writeShardedSafetensors } from "../safetensors/write.js";
import { vocabularyOf } from "../tokens.js";
import { tokenizerJson } from "../tokenizer/tokenizer-json-write.js";
import type { TensorData } from "../write/tensor-data.js";
import { tensorName, type NamingScheme } from "./naming.js";
import { concatenated } from "./values.js";

export interface HfDirOptions {
  dtype: ElementDtype;
  naming?: NamingScheme;
  /** Shard past this many bytes (default: one file). */
  maxShardBytes?: number;
  /** Extra README.md body text. */
  cardText?: string;
}

export function hfConfig(d: ModelDraft, architecture?: string): Record<string, unknown> {
  const p = d.params;
  const moe = p.nExperts > 0;
  if (p.block === "gpt2") {
    return {
      architectures: ["GPT2LMHeadModel"], model_type: "gpt2", n_embd: p.dim, n_layer: p.nLayers, n_head: p.nHeads, n_inner: p.ffn,
      vocab_size: p.vocab, n_positions: p.ctx, layer_norm_epsilon: p.normEps, activation_function: p.activation === "gelu" ? "gelu" : "gelu_new",
    };
  }
  return {
    architectures: [architecture ?? (moe ? "MixtralForCausalLM" : "LlamaForCausalLM")],
    model_type: moe ? "mixtral" : "llama",
    hidden_size: p.dim, intermediate_size: p.ffn, num_hidden_layers: p.nLayers, num_attention_heads: p.nHeads,
    num_key_value_heads: p.nKvHeads, head_dim: p.headDim, vocab_size: p.vocab, max_position_embeddings: p.ctx,
    rms_norm_eps: p.normEps, rope_theta: p.ropeTheta, hidden_act: p.activation, tie_word_embeddings: p.tiedEmbeddings,
    attention_bias: false, mlp_bias: false,
    ...(moe ? { num_local_experts: p.nExperts, num_experts_per_tok: p.expertsPerToken } : {}),
  };
}

/** GPT-2 blocks are written with nanoGPT's names: fused c_attn as a Linear [3d, d]. */
function gpt2Tensors(d: ModelDraft, dtype: ElementDtype): TensorData[] {
  const by = new Map(d.tensors.map((t) => [t.key, t]));
  const out: TensorData[] = [];
  const add = (name: string, t: DraftTensor | undefined) => t && out.push({ name, shape: t.shape, dtype, chunks: () => t.chunks() });
  add("transformer.wte.weight", by.get("embed"));
  add("transformer.wpe.weight", by.get("pos_embed"));
  for (let l = 0; l < d.params.nLayers; l++) {
    const k = (s: string) => by.get(`layers.${l}.${s}`);
    for (const [n, s] of [["ln_1", "attn_norm"], ["ln_2", "mlp_norm"]] as const) {
      add(`transformer.h.${l}.${n}.weight`, k(s));
      add(`transformer.h.${l}.${n}.bias`, k(`${s}.bias`));
    }
    for (const suffix of ["", ".bias"]) {
      const parts = ["attn.q", "attn.k", "attn.v"].map((s) => k(s + suffix));
      if (parts.every((p) => p)) {
        const ps = parts as DraftTensor[];
        const rows = ps.reduce((a, p) => a + (p.shape[0] as number), 0);
        const shape = suffix ? [rows] : [rows, ps[0]?.shape[1] as number];
        out.push({ name: `transformer.h.${l}.attn.c_attn.${suffix ? "bias" : "weight"}`, shape, dtype, chunks: () => concatenated(ps) });
      }
      add(`transformer.h.${l}.attn.c_proj.${suffix ? "bias" : "weight"}`, k(`attn.o${suffix}`));
      add(`transformer.h.${l}.mlp.c_fc.${suffix ? "bias" : "weight"}`, k(`mlp.up${suffix}`));
      add(`transformer.h.${l}.mlp.c_proj.${suffix ? "bias" : "weight"}`, k(`mlp.down${suffix}`));
    }
  }
  add("transformer.ln_f.weight", by.get("final_norm"));
  add("transformer.ln_f.bias", by.get("final_norm.bias"));
  add("lm_head.weight", by.get("head"));
  return out;
}

export function modelCard(d: ModelDraft, body = ""): string {
  const fm: Record<string, unknown> = {};
  if (d.declared.license) fm.license = d.declared.license;
  if (d.declared.licenseName) fm.license_name = d.declared.licenseName;
  if (d.declared.licenseLink) fm.license_link = d.declared.licenseLink;
  if (d.declared.baseModels.length === 1) fm.base_model = d.declared.baseModels[0];
  else if (d.declared.baseModels.length > 1) fm.base_model = d.declared.baseModels;
  if (d.declared.baseModelRelation) fm.base_model_relation = d.declared.baseModelRelation;
  fm.library_name = "transformers";
  return `---\n${toYaml(fm)}---\n\n# ${d.declared.name ?? "model"}\n\n${body}\n`;
}

export function writeHfDir(d: ModelDraft, dir: string, opts: HfDirOptions): string[] {
  mkdirSync(dir, { recursive: true });
  const naming = opts.naming ?? "hf";
  let tensors: TensorData[];
  if (d.params.block === "gpt2") tensors = gpt2Tensors(d, opts.dtype);
  else {
    tensors = d.tensors.map((t) => {
      if (t.key.startsWith("other.")) throw new PedigreeError("unsupported", `cannot write tensor ${t.key} in ${naming} naming`);
      return { name: tensorName(t.key, naming), shape: t.shape, dtype: opts.dtype, chunks: () => t.chunks() };
    });
  }
  const files = opts.maxShardBytes ? writeShardedSafetensors(dir, tensors, opts.maxShardBytes) : (writeSafetensors(join(dir, "model.safetensors"), tensors), ["model.safetensors"]);
  const config = hfConfig(d, naming === "transformer-h" ? "YiForCausalLM" : undefined);
  config.torch_dtype = opts.dtype === "BF16" ? "bfloat16" : opts.dtype === "F16" ? "float16" : "float32";
  writeFileSync(join(dir, "config.json"), `${JSON.stringify(config, null, 2)}\n`);
  files.push("config.json");
  const vocab = vocabularyOf(d.tokens);
  if (vocab) {
    writeFileSync(join(dir, "tokenizer.json"), `${JSON.stringify(tokenizerJson(vocab), null, 1)}\n`);
    files.push("tokenizer.json");
  }
  writeFileSync(join(dir, "README.md"), modelCard(d, opts.cardText));
  files.push("README.md");
  return files;
}
