/**
 * @module forge/steps/average
 * `average:<path>[+<path>...]`: the equal-weight mean of this model and other copies of it, tensor
 * by tensor — what colluding recipients of marked copies would do to dilute their marks (k copies
 * leave each mark at 1/k of its strength). A linear merge with equal weights, recorded as such.
 */
import type { StepFn } from "../types.js";
import { merge } from "./merge.js";

export const average: StepFn<{ name: "average"; paths: string[] }> = (draft, spec, rng, ctx) => {
  const r = merge(draft, { name: "merge", method: "linear", paths: spec.paths }, rng, ctx);
  return { ...r, truth: { ...r.truth, record: { ...r.truth.record, method: "average", copies: spec.paths.length + 1 } } };
};
