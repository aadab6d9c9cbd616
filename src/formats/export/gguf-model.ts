/**
 * @module formats/export/gguf-model
 * Write a draft as a llama.cpp GGUF: llama.cpp tensor names, Q/K rows permuted to Meta's layout as
 * llama.cpp's converter does, experts stacked into `ffn_*_exps`, `general.*` / `llama.*` /
 * `tokenizer.ggml.*` metadata (incl. `general.base_model.*`). Quantized types follow llama-quantize's
 * fallbacks for rows that do not fit a block.
 */
import { PedigreeError } from "../../errors.js";
import { dtypeInfo, type Dtype } from "../../model/dtype.js";
import type { DraftTensor, ModelDraft } from "../../model/draft.js";
import { canEncode } from "../../model/encode.js";
import { hfToMetaRowPerm } from "../../model/qk-layout.js";
import { parseKey } from "../../model/roles.js";
import { vocabularyOf } from "../tokens.js";
import { sentencePieceTokens } from "../tokenizer/tokenizer-json-write.js";
import { byteTokenValue, isSpecialToken, TokenType, type Vocabulary } from "../tokenizer/vocabulary.js";
import type { TensorData } from "../write/tensor-data.js";
import { GgufType, type GgufEntry } from "../gguf/parse.js";
import { gv, writeGguf } from "../gguf/write.js";
import { tensorName } from "./naming.js";
import { concatenated, permutedRows } from "./values.js";

/** llama-quantize's substitutes when a row is not a whole number of 256-value super-blocks. */
const FALLBACK: Partial<Record<Dtype, Dtype>> = {
  Q2_K: "Q4_0", Q3_K: "IQ4_NL", Q4_K: "Q5_0", Q5_K: "Q5_1", Q6_K: "Q8_0",
  IQ4_XS: "IQ4_NL", IQ2_XXS: "Q4_0", IQ2_XS: "Q4_0", IQ2_S: "Q4_0", IQ3_XXS: "IQ4_NL", IQ3_S: "IQ4_NL", IQ1_S: "Q4_0", IQ1_M: "Q4_0", TQ1_0: "Q4_0", TQ2_0: "Q4_0",
};

/** The type a 2-D tensor with rows of `cols` values is stored as, for a requested type. */
export function storedType(requested: Dtype, cols: number): Dtype {
  let t: Dtype | undefined = requested;
  for (let i = 0; i < 3 && t; i++) {
    if (cols % dtypeInfo(t).blockSize === 0) return t;
    t = FALLBACK[t];
  }
  return "F32";
}

/** llama_ftype for general.file_type. */
const FILE_TYPE: Partial<Record<Dtype, number>> = {
  F32: 0, F16: 1, Q4_0: 2, Q4_1: 3, Q8_0: 7, Q5_0: 8, Q5_1: 9, Q2_K: 10, Q3_K: 12, Q4_K: 15, Q5_K: 17, Q6_K: 18,
  IQ4_NL: 25, IQ4_XS: 30, BF16: 32, TQ1_0: 36, TQ2_0: 37, MXFP4: 38,
};

function tokenType(v: Vocabulary, token: string, id: number): number {
  if (id === v.unk) return TokenType.UNKNOWN;
  if (isSpecialToken(v, id)) return TokenType.CONTROL;
  if (byteTokenValue(token) !== undefined) return TokenType.BYTE;
  return TokenType.NORMAL;
}

export interface GgufModelOptions {
  /** Type for 2-D weight matrices (1-D tensors stay F32). */
  dtype: Dtype;
}

function metadata(d: ModelDraft, opts: GgufModelOptions): Map<string, GgufEntry> {
  const p = d.params;
  const m = new Map<string, GgufEntry>();
  m.set("general.architecture", gv.str("llama"));
  m.set("general.name", gv.str(d.declared.name ?? "model"));
  if (d.declared.license) m.set("general.license", gv.str(d.declared.license));
  if (d.declared.baseModels.length) {
    m.set("general.base_model.count", gv.u32(d.declared.baseModels.length));
    d.declared.baseModels.forEach((b, i) => m.set(`general.base_model.${i}.name`, gv.str(b)));
  }
  m.set("general.file_type", gv.u32(FILE_TYPE[opts.dtype] ?? 1024));
  if (dtypeInfo(opts.dtype).quantized) m.set("general.quantization_version", gv.u32(2));
  m.set("llama.context_length", gv.u32(p.ctx || 2048));
  m.set("llama.embedding_length", gv.u32(p.dim));
  m.set("llama.block_count", gv.u32(p.nLayers));
  m.set("llama.feed_forward_length", gv.u32(p.ffn));
  m.set("llama.attention.head_count", gv.u32(p.nHeads));
  m.set("llama.attention.head_count_kv", gv.u32(p.nKvHeads));
  m.set("llama.attention.key_length", gv.u32(p.headDim));
  m.set("llama.attention.value_length", gv.u32(p.headDim));
  m.set("llama.attention.layer_norm_rms_epsilon", gv.f32(p.normEps));
  m.set("llama.rope.freq_base", gv.f32(p.ropeTheta));
  m.set("llama.rope.dimension_count", gv.u32(p.ropeDim));
  m.set("llama.vocab_size", gv.u32(p.vocab));
  if (p.nExperts) {
    m.set("llama.expert_count", gv.u32(p.nExperts));
    m.set("llama.expert_used_count", gv.u32(p.expertsPerToken));
  }
  const v = vocabularyOf(d.tokens);
  if (v) {
    const sp = v.kind === "sentencepiece";
    m.set("tokenizer.ggml.model", gv.str(sp ? "llama" : v.kind === "bytelevel-bpe" ? "gpt2" : "llama"));
    const tokens = sp ? sentencePieceTokens(v) : v.tokens;
    m.set("tokenizer.ggml.tokens", gv.strs(tokens));
    m.set("tokenizer.ggml.scores", gv.f32s(tokens.map((_, i) => v.scores?.[i] ?? 0)));
    m.set("tokenizer.ggml.token_type", { type: GgufType.ARRAY, itemType: GgufType.INT32, value: tokens.map((t, i) => v.types?.[i] ?? tokenType(v, t, i)) });
    if (v.merges?.length) m.set("tokenizer.ggml.merges", gv.strs(v.merges));
    if (v.bos !== undefined) m.set("tokenizer.ggml.bos_token_id", gv.u32(v.bos));
    if (v.eos !== undefined) m.set("tokenizer.ggml.eos_token_id", gv.u32(v.eos));
    if (v.unk !== undefined) m.set("tokenizer.ggml.unknown_token_id", gv.u32(v.unk));
  }
  return m;
}

export function ggufTensors(d: ModelDraft, opts: GgufModelOptions): TensorData[] {
  if (d.params.block !== "llama") throw new PedigreeError("unsupported", `GGUF export supports llama-family models, not ${d.params.block} blocks`);
  if (!canEncode(opts.dtype)) throw new PedigreeError("unsupported", `pedigree cannot write ${opts.dtype}`);
  const p = d.params;
  const out: TensorData[] = [];
  const experts = new Map<string, DraftTensor[]>();
  for (const t of d.tensors) {
    const k = parseKey(t.key);
    if (k.role === "other") throw new PedigreeError("unsupported", `cannot write tensor ${t.key} to GGUF`);
    if (k.expert !== null) {
      const stem = `blk.${k.layer}.ffn_${k.role.slice(4)}_exps.weight`;
      const list = experts.get(stem) ?? [];
      list[k.expert] = t;
      experts.set(stem, list);
      continue;
    }
    const is2d = t.shape.length === 2;
    const dtype = is2d ? storedType(opts.dtype, t.shape[1] as number) : "F32";
    let chunks = () => t.chunks();
    if ((k.role === "attn.q" || k.role === "attn.k") && !k.bias) {
      const heads = k.role === "attn.q" ? p.nHeads : p.nKvHeads;
      const perm = hfToMetaRowPerm(heads, (t.shape[0] as number) / heads);
      chunks = () => permutedRows(t, perm);
    }
    out.push({ name: tensorName(t.key, "gguf"), shape: t.shape, dtype, chunks });
  }
  for (const [name, list] of experts) {
    const first = list[0] as DraftTensor;
    const shape = [list.length, ...first.shape];
    out.push({ name, shape, dtype: storedType(opts.dtype, first.shape[1] as number), chunks: () => concatenated(list) });
  }
  return out;
}

export function writeGgufModel(d: ModelDraft, path: string, opts: GgufModelOptions): void {
  writeGguf(path, metadata(d, opts), ggufTensors(d, opts));
}
