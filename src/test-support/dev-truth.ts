/** The dev-family ground truth (../shared/dev-families/truth.json), typed for tests. */
import { readFileSync } from "node:fs";
import { sharedPath } from "./shared.js";

export interface TruthPair {
  id: string;
  a: string;
  b: string;
  derived: boolean;
  relation: string;
  direction: "a->b" | "b->a" | "none";
  layerMap: Record<string, number | number[]> | null;
  components: { shared: string[]; independent: string[] } | null;
}

export interface Truth {
  models: Record<string, { format: string; parents: string[]; card: { base_model_claim: string[]; claim_true: boolean | null; license: string | null } }>;
  pairs: TruthPair[];
  tree_subset: string[];
}

export const TRUTH: Truth = JSON.parse(readFileSync(sharedPath("dev-families", "truth.json"), "utf8")) as Truth;

export const devPath = (id: string) => sharedPath("dev-families", id);
