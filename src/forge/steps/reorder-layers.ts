/**
 * @module forge/steps/reorder-layers
 * `reorder-layers:<perm>`: new layer i is old layer perm[i] (a permutation of 0..n-1);
 * `reorder-layers:random` draws one (never the identity when there are two layers or more).
 */
import { UsageError } from "../../errors.js";
import type { StepFn } from "../types.js";
import { restack } from "./layers.js";

export const reorderLayers: StepFn<{ name: "reorder-layers"; order?: number[] }> = (draft, spec, rng) => {
  const n = draft.params.nLayers;
  let order: number[];
  if (spec.order) {
    order = spec.order;
    const sorted = [...order].sort((a, b) => a - b);
    if (order.length !== n || sorted.some((v, i) => v !== i)) {
      throw new UsageError(`reorder-layers: ${order.join("+")} is not an order of the model's ${n} layers (each of 0..${n - 1} exactly once)`);
    }
  } else {
    order = Array.from(rng.permutation(n));
    if (n > 1 && order.every((v, i) => v === i)) order = [order[1] as number, order[0] as number, ...order.slice(2)];
  }
  return { draft: restack(draft, order), truth: { relation: "layer-reorder", layers: order, record: { order } } };
};
