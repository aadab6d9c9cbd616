/**
 * @module behaviour
 * Behavioural lineage: was B trained on A's outputs? Probe texts, forward-pass records, the
 * idiosyncrasy agreement, the pool test against control models, and the verdict (docs/method.md).
 */
export { builtinProbes, readProbes, PROBES_VERSION, type ProbeSet, type ProbeText } from "./probes.js";
export { recordBehaviour, logProbOf, DEFAULT_TOP_K, MAX_PROBE_TOKENS, type BehaviourRecord, type ProbeRecord } from "./record.js";
export { agreement, alignedPositions, poolDistances, COMPARED_TOKENS } from "./agreement.js";
export { poolTest, type PoolTest } from "./pool-test.js";
export { behaviourVerdict, checkComparable, ALPHA_BEHAVIOUR, type BehaviourResult, type BehaviourVerdictKind, type EvidencePosition, type NamedRecord } from "./verdict.js";
export { compareBehaviour, type BehaviourComparison, type BehaviourCost, type CompareBehaviourOptions } from "./compare-behaviour.js";
