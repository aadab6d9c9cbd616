/**
 * @module forge/steps
 * Every forge step by name.
 */
import type { StepFn, StepName, StepSpec } from "../types.js";
import { average } from "./average.js";
import { convert } from "./convert.js";
import { distil } from "./distil.js";
import { dropLayers } from "./drop-layers.js";
import { finetuneDrift } from "./finetune-drift.js";
import { loraMerge } from "./lora-merge.js";
import { merge } from "./merge.js";
import { moeUpcycle } from "./moe-upcycle.js";
import { noise } from "./noise.js";
import { permute } from "./permute.js";
import { pruneHeads } from "./prune-heads.js";
import { pruneHidden } from "./prune-hidden.js";
import { pruneWidth } from "./prune-width.js";
import { quantize } from "./quantize.js";
import { rename } from "./rename.js";
import { reorderLayers } from "./reorder-layers.js";
import { rotate } from "./rotate.js";
import { scale } from "./scale.js";
import { stackLayers } from "./stack-layers.js";
import { transplant } from "./transplant.js";
import { vocabExtend } from "./vocab-extend.js";
import { vocabTrim } from "./vocab-trim.js";

type Registry = { [N in StepName]: StepFn<Extract<StepSpec, { name: N }>> };

export const STEPS: Registry = {
  "finetune-drift": finetuneDrift,
  "lora-merge": loraMerge,
  noise,
  distil,
  quantize,
  permute,
  scale,
  rotate,
  rename,
  convert,
  "drop-layers": dropLayers,
  "stack-layers": stackLayers,
  "reorder-layers": reorderLayers,
  "prune-width": pruneWidth,
  "prune-hidden": pruneHidden,
  "prune-heads": pruneHeads,
  "vocab-extend": vocabExtend,
  "vocab-trim": vocabTrim,
  "moe-upcycle": moeUpcycle,
  transplant,
  merge,
  average,
};

export function stepFn(name: StepName): StepFn {
  return STEPS[name] as StepFn;
}
