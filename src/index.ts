/**
 * @module pedigree
 * Public library API: read any weight format into one canonical view, compare two models, run
 * small models, forge derivatives.
 */

/** Loading and reading models. */
export { loadModel } from "./load-model.js";
export { openWeights } from "./formats/open.js";
export type { CanonicalModel } from "./model/canonical.js";
export type { CanonicalTensor } from "./model/canonical-tensor.js";
export type { HyperParams } from "./model/hyper-params.js";
export type { WeightSet, TokenList, Declared, FormatName } from "./model/weight-set.js";
export type { TensorEntry } from "./model/tensor.js";
export { readRows, readTensor } from "./model/tensor.js";
export type { Dtype } from "./model/dtype.js";
export { f32Sha256 } from "./model/digest.js";

/** Comparing models. */
export { compare, compareModels, type CompareOptions } from "./compare.js";
export type { CompareResult, ComponentEvidence, LayerLink, Transform, DirectionEstimate } from "./verdict/result.js";
export { compareDocument, modelSummary, COMPARE_SCHEMA } from "./report/compare-document.js";
export { inspectDocument } from "./report/inspect-document.js";

/** Writing models. */
export { writeModel, type WriteOptions } from "./formats/export/write-model.js";
export { draftOf, type ModelDraft } from "./model/draft.js";
export { synthesize, type SynthesizeSpec } from "./forge/synthesize.js";

/** Errors. */
export { compareBehaviour, builtinProbes, readProbes, recordBehaviour, behaviourVerdict, type BehaviourComparison, type BehaviourRecord, type BehaviourResult, type ProbeSet } from "./behaviour/index.js";
export { PedigreeError, BadInputError, UnsupportedError, UsageError } from "./errors.js";
