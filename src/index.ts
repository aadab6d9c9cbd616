/**
 * @module pedigree
 * Public library API: the operations of src/api (one async function each, taking an options
 * object with an optional AbortSignal and progress callback), what they take (models, registries)
 * and what they return (results and versioned JSON documents), and the error type.
 */

/** The operations. */
export * from "./api/index.js";

/** What they take: models loaded once and reused, registries kept open. */
export { loadModel } from "./load-model.js";
export { openRegistry, defaultRegistryPath, type Registry } from "./registry/open.js";
export type { CanonicalModel } from "./model/canonical.js";
export type { CanonicalTensor } from "./model/canonical-tensor.js";
export type { HyperParams } from "./model/hyper-params.js";
export type { Declared, FormatName } from "./model/weight-set.js";
export type { Dtype } from "./model/dtype.js";
export type { ModelMeta, Tier } from "./registry/metadata.js";
export type { FailOn } from "./policy/fail-on.js";
export type { SynthesizeSpec } from "./forge/synthesize.js";

/** What they return. */
export type { CompareResult, ComponentEvidence, LayerLink, Transform, DirectionEstimate } from "./verdict/result.js";
export { COMPARE_SCHEMA, type CompareDocument } from "./report/compare-document.js";
export { INSPECT_SCHEMA, type InspectDocument } from "./report/inspect-document.js";
/** The documents of the other commands (registry, run, mark, trace, demo, errors) and every schema id. */
export * as documents from "./report/documents.js";
export { SCAN_SCHEMA, type ScanDocument } from "./report/scan-document.js";
export type { ScanResult, ScanMatch } from "./scan/scan.js";
export type { Finding, FindingId, Severity } from "./policy/report-input.js";
export type { ModelEntry, ModelListing, ModelRecord } from "./registry/store.js";
export type { FamilyTree } from "./lineage/tree.js";
export type { ImportResult } from "./registry/import.js";
export type { Generation, NextToken } from "./run/index.js";

/** Jobs on a Postgres registry (pg-boss): index sweeps, workers, queued scans and compares. */
export { indexSweep, type IndexSweepOptions, type IndexSweep } from "./queue/index-sweep.js";
export { runWorker, type WorkerOptions, type WorkerEvent, type WorkerSummary } from "./queue/worker.js";
export { openQueue, type Queue } from "./queue/open-queue.js";
export { enqueueSweep, enqueueScan, enqueueCompare } from "./queue/enqueue.js";
export { jobResult, type JobResult } from "./queue/job-results.js";
export { sweepEntries, sweepStatus, type SweepStatus, type EntryOutcome } from "./queue/sweeps.js";
export { INDEX_SCHEMA, WORKER_SCHEMA } from "./queue/documents.js";
export type { SourceEntry, Claims } from "./queue/source-entry.js";
export type { QueueSettings } from "./queue/settings.js";

/** Errors: every failure is a PedigreeError with a machine-readable `code`. */
export { PedigreeError, BadInputError, UnsupportedError, UsageError, AbortedError, ERROR_CODES, type ErrorCode } from "./errors.js";

/** Behavioural lineage: was B trained on A's outputs? (also through compare's `behaviour` option) */
export { compareBehaviour, builtinProbes, readProbes, recordBehaviour, behaviourVerdict, type BehaviourComparison, type BehaviourRecord, type BehaviourResult, type ProbeSet } from "./behaviour/index.js";
