/**
 * @module model/weight-set
 * What a format reader hands to the model layer: the tensors of one model as its files store them,
 * what the container declares (hyper-parameters, vocabulary, name, licence, base-model claims), and
 * how Q/K rows are laid out. The canonical view (canonical.ts) is built from this.
 */
import type { DeclaredParams } from "./hyper-params.js";
import type { TensorEntry } from "./tensor.js";

export type FormatName = "safetensors" | "gguf" | "llama2c" | "pytorch";

/** Order of rows inside each Q/K head: Hugging Face's rotate-half, or Meta's interleaved pairs. */
export type QkLayout = "hf" | "meta";

/** Token strings, enough to align two models' vocabularies. */
export interface TokenList {
  kind: string;
  /** Token strings as stored. */
  tokens: string[];
  /** Surface text of each token with the tokenizer's conventions undone (▁/Ġ -> space, byte tokens -> bytes). */
  texts: string[];
  /** Where they came from. */
  source: string;
}

/** Self-declared facts: claims, never evidence. */
export interface Declared {
  name?: string;
  author?: string;
  license?: string;
  licenseName?: string;
  licenseLink?: string;
  /** Base models the files claim (card base_model, GGUF general.base_model.*). */
  baseModels: string[];
  baseModelRelation?: string;
  /** Problems reading the declarations (e.g. broken card YAML); the weights are still read. */
  problems: string[];
}

export interface WeightSet {
  format: FormatName;
  /** What the user pointed at (file or directory). */
  path: string;
  /** Weight files read. */
  files: string[];
  tensors: TensorEntry[];
  qkLayout: QkLayout;
  /** Declared architecture string: HF architectures[0], GGUF general.architecture, "llama2.c", ... */
  architecture?: string;
  params: DeclaredParams;
  tokens?: TokenList;
  declared: Declared;
  /** Container metadata worth reporting (GGUF KVs without the big arrays, safetensors __metadata__, config.json). */
  metadata: Record<string, unknown>;
  close(): void;
}
