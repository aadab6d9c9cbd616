/**
 * @module forge/steps/drop-layers
 * `drop-layers:<i+j+...>` removes those layers; `drop-layers:<frac>` removes that fraction as one
 * block from the middle of the stack (where layer-pruning studies find layers most redundant),
 * e.g. 6 layers at 0.33 keep [0, 1, 4, 5] like dev-families A-drop.
 */
import { UsageError } from "../../errors.js";
import type { StepFn } from "../types.js";
import { range } from "./common.js";
import { restack } from "./layers.js";

export const dropLayers: StepFn<{ name: "drop-layers"; layers?: number[]; frac?: number }> = (draft, spec) => {
  const n = draft.params.nLayers;
  let drop: number[];
  if (spec.layers) {
    const bad = spec.layers.filter((l) => l >= n);
    if (bad.length) throw new UsageError(`drop-layers: the model has ${n} layers (0..${n - 1}); there is no layer ${bad.join(", ")}`);
    drop = [...new Set(spec.layers)].sort((a, b) => a - b);
    if (drop.length !== spec.layers.length) throw new UsageError(`drop-layers: layer listed twice in ${spec.layers.join("+")}`);
  } else {
    const k = Math.round((spec.frac as number) * n);
    if (k < 1) throw new UsageError(`drop-layers:${spec.frac} drops no layer of ${n}`);
    const start = Math.floor((n - k) / 2);
    drop = range(k).map((i) => start + i);
  }
  if (drop.length >= n) throw new UsageError(`drop-layers: dropping ${drop.length} of the model's ${n} layers would leave none`);
  const keep = range(n).filter((l) => !drop.includes(l));
  return { draft: restack(draft, keep), truth: { relation: "layer-drop", layers: keep, record: { dropped: drop, kept: keep } } };
};
