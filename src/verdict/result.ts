/**
 * @module verdict/result
 * What a comparison concludes, with its evidence: the domain result of `compare` (the JSON report
 * is built from it in report/compare-document.ts).
 */
import type { FrameKind } from "../evidence/frame.js";
import type { VerdictKind } from "./decide.js";

export interface ComponentEvidence {
  /** Canonical component of B, e.g. `layers.3.mlp`, `embed`. */
  component: string;
  /** The A component it was compared with (or matched to). */
  against: string | null;
  /** "shared", "independent", "not tested". */
  status: "shared" | "independent" | "not tested";
  logP: number;
  tested: number;
  matched: number;
  /** Mean cosine of matched units (per view where relevant). */
  similarity: Record<string, number>;
  note?: string;
}

export interface LayerLink {
  /** Layer of A (null: independent of every A layer). */
  a: number | null;
  b: number;
  logP: number;
  matchedFraction: number;
}

export interface Transform {
  kind: string;
  detail: string;
  /** Numbers behind the claim. */
  values?: Record<string, number | string>;
}

export interface DirectionEstimate {
  parent: "a" | "b" | "unknown";
  confidence: "high" | "medium" | "low";
  reasons: string[];
}

export interface CompareResult {
  verdict: VerdictKind;
  /** ln of the corrected p-value. */
  logP: number;
  reason: string;
  /** Number of tests the p-value is corrected for. */
  tests: number;
  frame: {
    kind: FrameKind | "none"; support: number; source: string; probes: Array<{ kind: string; logP: number; note?: string }>;
    /** Residual widths differ: for each B coordinate, the A coordinate it was matched to (-1: none). */
    coordinateMap?: number[];
  };
  tokens: { shared: number; vocabA: number; vocabB: number; method: string; added: number; removed: number } | null;
  layerMap: LayerLink[];
  components: ComponentEvidence[];
  heatmap: { aLayers: number; bLayers: number; logP: number[][]; probed: boolean[][] };
  transforms: Transform[];
  direction: DirectionEstimate;
  /** The exact identity-order permutation test (Fisher over permutable groups), when shapes allow. */
  exact: { logP: number; groups: number } | null;
  /** Fraction of tested B units (over all mapped layers) with a significant match, and their mean similarity. */
  effect: { matchedFraction: number; unitSimilarity: number; relativeChange: number | null };
  caveats: string[];
  timings: Record<string, number>;
}
