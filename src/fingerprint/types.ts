/**
 * @module fingerprint/types
 * A fingerprint: what `compare` needs to decide against a model or another fingerprint, without the
 * original weights, in a bounded size (1 % of the model's size, within 64 KB to 128 KB):
 * - per layer, the most prominent MLP units (largest gate rows — a choice that survives
 *   permutation, rotation, fine-tuning and pruning), their gate and up rows kept either whole (narrow
 *   models) or on a fixed set of residual coordinates (wide ones);
 * - the embedding rows of a few hash-chosen tokens, to line up residual frames;
 * - the index key, a few hundred 64-bit unit codes for candidate search.
 * Versioned: a registry keeps fingerprints of every version it can read.
 *
 * Why it cannot be turned back into usable weights: of each MLP it keeps a few percent of the units
 * (and for wide models only a fraction of each of their coordinates); no attention, no down
 * projection, no norms, and a few percent of the embedding rows. Nothing that runs.
 */
import type { Combine } from "../evidence/unit-views.js";
import type { HyperParams } from "../model/hyper-params.js";
import type { Declared } from "../model/weight-set.js";
import type { Sketch } from "./sketch.js";

export const FINGERPRINT_VERSION = 4;

export interface MlpPrint {
  /** Units in the layer (all experts). */
  units: number;
  views: string[];
  combine: Combine;
  /** The stored units' indices (ascending). */
  kept: Int32Array;
  /** Per view: kept units x width (whole residual rows, or descriptors over the anchors). */
  rows: Sketch[];
  /** Units at hash-chosen fixed indices (the same in every fingerprint of a layer this wide): for measuring distances between relatives that kept their unit order. */
  fixed: Int32Array;
  fixedRows: Sketch[];
}

export interface LayerPrint {
  layer: number;
  mlp: MlpPrint | null;
}

export interface FingerprintSummary {
  path: string;
  format: string;
  architecture: string;
  params: HyperParams;
  parameters: number;
  /** Storage type -> fraction of weight-matrix values. */
  dtypes: Record<string, number>;
  quantized: string | null;
  declared: Declared;
  tokenizer: { kind: string; size: number } | null;
  files: Array<{ file: string; bytes: number; sha256: string; partial: boolean }>;
  /** Bytes of the model's weight files. */
  modelBytes: number;
}

export interface IndexKey {
  /** 64-bit unit codes as pairs of 32-bit words (hi, lo). */
  codes: Uint32Array;
  /** Per code: 0 = character-descriptor code of a unit (basis-free), 1 = coordinate code of a unit, 2 = coordinate code of an anchor token's embedding row (both in the files' own basis). */
  kinds: Uint8Array;
  layers: Uint16Array;
}

export interface Fingerprint {
  version: number;
  summary: FingerprintSummary;
  /** Residual width of the model. */
  dim: number;
  /**
   * What unit rows hold: "rows", the residual rows whole (narrow models, with the anchors' whole
   * embedding rows); "anchors", descriptors w·ê_t over the anchor tokens (wide models; frame-free,
   * see descriptors.ts), with no embedding rows kept.
   */
  space: "rows" | "anchors";
  /** Residual coordinates the unit rows keep (all of 0..dim-1 for "rows"; empty for "anchors"). */
  coords: Int32Array;
  /** Hash-chosen tokens: canonical texts, and embedding rows (whole, "rows" space only). */
  anchors: { texts: string[]; embed: Sketch | null };
  layers: LayerPrint[];
  /**
   * The behavioural fingerprint (behaviour/stored.ts), when one was computed (`register
   * --behaviour`): stored as the `behaviour` part, beside and independent of the weight parts.
   */
  behaviour?: Uint8Array;
  index: IndexKey;
}
