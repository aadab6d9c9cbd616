/**
 * @module fingerprint/types
 * A fingerprint: everything `compare` needs to decide against another fingerprint or a model,
 * without the original weights. It holds, per layer, the model's units sketched on a fixed set of
 * residual coordinates (int8) and their responses to a fixed set of character embeddings; the
 * embedding rows of a few hundred hash-chosen tokens; and a small index key for candidate search.
 * Versioned: a registry keeps fingerprints of every version it can read.
 *
 * Why it cannot be inverted into usable weights: of each weight matrix it keeps only k of the d
 * columns of the readers (gate, up, query, value) and k of the d rows of the output projection —
 * the remaining (d − k)/d of every vector is gone, and with it any way to run the model — plus, at
 * full width, 64 sampled MLP units per layer (under 1 % of them) and under 4 % of the embedding rows. The key and value projections' other halves, the down projections, the norms and
 * the bulk of the embedding and head are not stored at all.
 */
import type { Combine } from "../evidence/unit-views.js";
import type { HyperParams } from "../model/hyper-params.js";
import type { Declared } from "../model/weight-set.js";
import type { Sketch } from "./sketch.js";

export const FINGERPRINT_VERSION = 1;

export interface MlpPrint {
  units: number;
  views: string[];
  combine: Combine;
  /** Per view: units x sketch coordinates. */
  coords: Sketch[];
  /** A fixed sample of units kept at full residual width (per view: sampled units x d), so that another fingerprint can be mapped into this one's frame. */
  sample: Int32Array;
  full: Sketch[];
}

export interface LayerPrint {
  layer: number;
  mlp: MlpPrint | null;
  /** Query and value rows at the sketch coordinates. */
  q: Sketch | null;
  v: Sketch | null;
  /** Output-projection columns (one per head dimension) at the sketch coordinates. */
  o: Sketch | null;
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
  /** Per code: 0 = character-descriptor code (basis-free), 1 = coordinate code (the files' own basis). */
  kinds: Uint8Array;
  layers: Uint16Array;
}

export interface Fingerprint {
  version: number;
  summary: FingerprintSummary;
  /** Residual coordinates the sketches keep. */
  coords: Int32Array;
  /** Hash-chosen tokens: canonical texts, embedding rows and head rows (full width, gains folded). */
  anchors: { texts: string[]; embed: Sketch | null; head: Sketch | null };
  /** For each descriptor character: present in the vocabulary? */
  descriptorMask: Uint8Array;
  layers: LayerPrint[];
  index: IndexKey;
}
