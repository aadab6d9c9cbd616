/**
 * @module formats/gguf/to-weights
 * A parsed GGUF file as a WeightSet: hyper-parameters from `{arch}.*` keys, declarations from
 * `general.*` (name, licence, base_model.N.*), Q/K layout from the architecture (llama.cpp permutes
 * Q/K rows only for the archs whose converter calls permute: llama family, deepseek v1, ...).
 */
import type { ByteSource } from "../../io/byte-source.js";
import type { DeclaredParams } from "../../model/hyper-params.js";
import type { Declared, QkLayout, WeightSet } from "../../model/weight-set.js";
import { tokenListOf } from "../tokens.js";
import { ggufVocabulary } from "../tokenizer/gguf-tokens.js";
import { parseGguf, plainMetadata, type GgufValue } from "./parse.js";

/** GGUF architectures whose Q/K rows are in Meta's interleaved layout (llama.cpp's NORM-rope + permute). */
const META_LAYOUT_ARCHS = new Set(["llama", "llama4", "deci", "deepseek", "granite", "granitemoe", "minicpm", "baichuan", "mistral", "mixtral"]);

function num(v: GgufValue | undefined): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (Array.isArray(v) && typeof v[0] === "number") return v[0];
  return undefined;
}

export function ggufParams(meta: Record<string, GgufValue>): { arch: string; params: DeclaredParams } {
  const arch = typeof meta["general.architecture"] === "string" ? (meta["general.architecture"] as string) : "unknown";
  const k = (s: string) => num(meta[`${arch}.${s}`]);
  const nHeads = k("attention.head_count");
  const dim = k("embedding_length");
  const params: DeclaredParams = {
    dim, nLayers: k("block_count"), nHeads, nKvHeads: k("attention.head_count_kv") ?? nHeads,
    headDim: k("attention.key_length"),
    ffn: k("expert_feed_forward_length") ?? k("feed_forward_length"),
    vocab: k("vocab_size"),
    ctx: k("context_length"),
    normEps: k("attention.layer_norm_rms_epsilon") ?? k("attention.layer_norm_epsilon"),
    ropeTheta: k("rope.freq_base"),
    ropeDim: k("rope.dimension_count"),
    nExperts: k("expert_count"),
    expertsPerToken: k("expert_used_count"),
  };
  for (const key of Object.keys(params) as Array<keyof DeclaredParams>) if (params[key] === undefined) delete params[key];
  return { arch, params };
}

function declaredOf(meta: Record<string, GgufValue>): Declared {
  const s = (key: string) => (typeof meta[key] === "string" ? (meta[key] as string) : undefined);
  const count = num(meta["general.base_model.count"]) ?? 0;
  const baseModels: string[] = [];
  for (let i = 0; i < Math.min(count, 64); i++) {
    const org = s(`general.base_model.${i}.organization`);
    const name = s(`general.base_model.${i}.name`) ?? s(`general.base_model.${i}.repo_url`);
    if (name) baseModels.push(org && !name.includes("/") ? `${org}/${name}` : name);
  }
  return {
    name: s("general.name"), author: s("general.author"), license: s("general.license"),
    licenseName: s("general.license.name"), licenseLink: s("general.license.link"),
    baseModels, problems: [],
  };
}

/** GGUF metadata without the long arrays (vocabulary, merges), for reports. */
export function reportableMetadata(meta: Record<string, GgufValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(meta)) {
    if (Array.isArray(v)) out[k] = v.length > 16 ? `[${v.length} values]` : v;
    else if (typeof v === "bigint") out[k] = v.toString();
    else if (typeof v === "string" && v.length > 512) out[k] = `${v.slice(0, 80)}... (${v.length} chars)`;
    else out[k] = v;
  }
  return out;
}

export function ggufWeights(src: ByteSource, path: string): { ws: WeightSet; meta: Record<string, GgufValue> } {
  const g = parseGguf(src);
  const meta = plainMetadata(g.metadata);
  const { arch, params } = ggufParams(meta);
  const qkLayout: QkLayout = META_LAYOUT_ARCHS.has(arch) ? "meta" : "hf";
  const ws: WeightSet = {
    format: "gguf", path, files: [src.path], tensors: g.tensors, qkLayout, architecture: arch, params,
    declared: declaredOf(meta), metadata: reportableMetadata(meta), close: () => src.close(),
  };
  if (meta["tokenizer.ggml.tokens"] !== undefined) ws.tokens = tokenListOf(ggufVocabulary(meta, src.path));
  return { ws, meta };
}
