/**
 * @module forge/types
 * What forge steps exchange: a parsed step, the context a step runs in (seed, other models it
 * opens), and the truth update it reports (relation, layer and vocabulary maps, what it recorded).
 */
import type { OutputFormat } from "../formats/export/write-model.js";
import type { NamingScheme } from "../formats/export/naming.js";
import type { CanonicalModel } from "../model/canonical.js";
import type { Dtype } from "../model/dtype.js";
import type { ModelDraft } from "../model/draft.js";
import type { Rng } from "../numeric/rng.js";

/** How the output relates to a parent (the vocabulary of dev-families' truth.json, plus forge's own). */
export type Relation =
  | "identical" | "format" | "quantized" | "noise" | "finetune" | "lora" | "merge" | "obfuscated"
  | "vocab-trim" | "vocab-extend" | "width-prune" | "moe-upcycle" | "layer-reorder" | "layer-drop" | "depth-upscale"
  | "component" | "partial" | "grandchild" | "synthesized" | "distilled";

/** From least to most structural: the relation of a chain is its most structural step. */
export const RELATION_RANK: Relation[] = [
  "identical", "format", "quantized", "noise", "finetune", "lora", "merge", "obfuscated", "vocab-trim", "vocab-extend",
  "width-prune", "moe-upcycle", "layer-reorder", "layer-drop", "depth-upscale", "component", "partial",
];

export type MergeMethod = "linear" | "slerp" | "ties";

/** A component that `transplant` can take: `embed`, `head`, `embeddings` (both), `final_norm`, or layers. */
export type TransplantComponent = { kind: "embed" | "head" | "embeddings" | "final_norm" } | { kind: "layers"; layers: number[] };

export type StepSpec =
  | { name: "finetune-drift"; rel: number; rank: number }
  | { name: "lora-merge"; rank: number; rel: number }
  | { name: "noise"; rel: number }
  | { name: "quantize"; type: Dtype; f32Fallback: boolean }
  | { name: "permute" }
  | { name: "scale"; sigma: number }
  | { name: "rotate" }
  | { name: "rename"; scheme: NamingScheme }
  | { name: "convert"; format?: OutputFormat; dtype?: Dtype }
  | { name: "drop-layers"; layers?: number[]; frac?: number }
  | { name: "stack-layers"; k?: number }
  | { name: "reorder-layers"; order?: number[] }
  | { name: "prune-width"; frac: number }
  | { name: "prune-hidden"; frac: number }
  | { name: "prune-heads"; frac: number }
  | { name: "vocab-extend"; n: number }
  | { name: "vocab-trim"; n?: number; frac?: number }
  | { name: "moe-upcycle"; experts: number; topk: number; noise: number }
  | { name: "transplant"; component: TransplantComponent; path: string }
  | { name: "merge"; method: MergeMethod; paths: string[]; weights?: number[] }
  | { name: "average"; paths: string[] }
  | { name: "distil"; mode: "logits" | "text"; path: string; sequences: number };

export type StepName = StepSpec["name"];

/** A step as the user wrote it, parsed. */
export type ParsedStep = StepSpec & { text: string };

/** Another model a step reads (transplant donor, merge partner). */
export interface OpenedParent {
  /** Index in the forge record's parent list. */
  index: number;
  model: CanonicalModel;
}

export interface StepContext {
  /** Position of the step in the chain (0-based). */
  index: number;
  /** The forge's seed. */
  seed: number;
  /** A seed for this step's per-tensor random streams. */
  stepSeed: number;
  /** Open another model named by a step (once per path) and register it as a parent. */
  open(path: string, role: "transplant" | "merge" | "teacher"): OpenedParent;
}

/** For each component of the new model: the components of the old one (or another parent) it comes from. */
export type ComponentEdit =
  | { kind: "transplant"; parent: number; components: Array<{ target: string; source: string }> }
  | { kind: "merge"; parents: Array<{ parent: number; weight: number }>; selfWeight: number };

export interface VocabEdit {
  /** New token id -> previous token id, or -1 for a new token. */
  map: Int32Array;
  /** Strings of the new tokens, by new id. */
  added: Map<number, string>;
}

export interface TruthUpdate {
  relation: Relation;
  /** For layer edits: for each new layer, the previous layer it is a copy of. */
  layers?: number[];
  components?: ComponentEdit;
  vocab?: VocabEdit;
  quantization?: { type: Dtype; tensorTypes: Record<string, string>; f32Fallback: boolean };
  output?: { format?: OutputFormat; dtype?: Dtype; naming?: NamingScheme };
  /** When the head is untied (rotate) or tied: the head now derives from the embedding. */
  untiedHead?: boolean;
  /** Components made new by the step (their lineage starts here: e.g. a distilled head). */
  fresh?: string[];
  /** Step details for forge.json (permutations when small, scale statistics, ...). */
  record?: Record<string, unknown>;
}

export interface StepResult {
  draft: ModelDraft;
  truth: TruthUpdate;
}

export type StepFn<S extends StepSpec = StepSpec> = (draft: ModelDraft, spec: S, rng: Rng, ctx: StepContext) => StepResult;
