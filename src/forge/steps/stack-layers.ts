/**
 * @module forge/steps/stack-layers
 * `stack-layers[:k]`: depth up-scaling as SOLAR did it — layers [0..n-k) followed by [k..n), so
 * 2(n-k) layers; k defaults to n/4 (SOLAR: 32 -> 48 with k 8; dev-families A-dus: 6 -> 8 with k 2).
 */
import { UsageError } from "../../errors.js";
import type { StepFn } from "../types.js";
import { range } from "./common.js";
import { restack } from "./layers.js";

export const stackLayers: StepFn<{ name: "stack-layers"; k?: number }> = (draft, spec) => {
  const n = draft.params.nLayers;
  const k = spec.k ?? Math.max(1, Math.round(n / 4));
  if (k >= n) throw new UsageError(`stack-layers:${k}: k must be below the number of layers (${n})`);
  const sources = [...range(n - k), ...range(n - k).map((i) => i + k)];
  return { draft: restack(draft, sources), truth: { relation: "depth-upscale", layers: sources, record: { k, layers: sources } } };
};
