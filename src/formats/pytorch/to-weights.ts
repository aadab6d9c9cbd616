/**
 * @module formats/pytorch/to-weights
 * A PyTorch checkpoint as a WeightSet. Hyper-parameters come from what training scripts store
 * beside the state dict (llama2.c/nanoGPT `model_args`, a `config` dict); Meta-named weights
 * (`layers.N.attention.wq`, as llama2.c's model.py trains them) keep Meta's rotary row order.
 */
import type { ByteSource } from "../../io/byte-source.js";
import type { DeclaredParams } from "../../model/hyper-params.js";
import type { WeightSet } from "../../model/weight-set.js";
import { tokenListOf } from "../tokens.js";
import { charVocabulary, itosTable } from "../tokenizer/chars.js";
import { parsePytorch } from "./parse.js";

type Json = Record<string, unknown>;
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Training-script arguments -> declared hyper-parameters (llama2.c, nanoGPT and look-alikes). */
export function paramsFromArgs(args: Json): DeclaredParams {
  const nHeads = num(args.n_heads) ?? num(args.n_head) ?? num(args.num_heads);
  const p: DeclaredParams = {
    dim: num(args.dim) ?? num(args.n_embd) ?? num(args.dim_embedding) ?? num(args.hidden_size),
    nLayers: num(args.n_layers) ?? num(args.n_layer) ?? num(args.num_layers),
    nHeads,
    nKvHeads: num(args.n_kv_heads) ?? nHeads,
    vocab: num(args.vocab_size),
    ctx: num(args.max_seq_len) ?? num(args.block_size) ?? num(args.seq_length),
    normEps: num(args.norm_eps),
  };
  for (const k of Object.keys(p) as Array<keyof DeclaredParams>) if (p[k] === undefined) delete p[k];
  return p;
}

export function pytorchWeights(src: ByteSource, path: string): WeightSet {
  let ckpt;
  try {
    ckpt = parsePytorch(src);
  } catch (e) {
    src.close();
    throw e;
  }
  const extras = ckpt.extras as Json;
  const args = [extras.model_args, extras.config, extras.args].find((a) => isObject(a) && paramsFromArgs(a).dim !== undefined);
  const meta = ckpt.tensors.some((t) => /(^|\.)layers\.\d+\.attention\.wq\.weight$/.test(t.name));
  const metadata: Json = {};
  for (const [k, v] of Object.entries(extras)) if (k !== "stoi" && k !== "itos") metadata[k] = v;
  const table = itosTable(extras.itos, extras.stoi);
  return {
    tokens: table ? tokenListOf(charVocabulary(table, `${path} (itos)`)) : undefined,
    format: "pytorch", path, files: [src.path], tensors: ckpt.tensors, qkLayout: meta ? "meta" : "hf",
    architecture: meta ? "llama2.c (PyTorch)" : undefined,
    params: isObject(args) ? paramsFromArgs(args) : {},
    declared: { baseModels: [], problems: [] },
    metadata,
    close: () => ckpt.close(),
  };
}
