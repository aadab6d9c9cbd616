/**
 * @module behaviour/compare-behaviour
 * Models in, behavioural verdict out: forward passes of A, B and the controls over the probe set
 * (pedigree's own run kernels), then the pool test (verdict.ts). Reports the cost per model.
 */
import { decode } from "../formats/tokenizer/index.js";
import type { CanonicalModel } from "../model/canonical.js";
import { runVocabulary } from "../run/index.js";
import { builtinProbes, type ProbeSet } from "./probes.js";
import { recordBehaviour, type BehaviourRecord } from "./record.js";
import { behaviourVerdict, type BehaviourResult } from "./verdict.js";

export interface BehaviourCost {
  model: string;
  tokens: number;
  seconds: number;
}

export interface EvidenceText {
  probe: number;
  domain: string;
  pos: number;
  /** The text up to the position (its last 32 tokens at most) and A's most likely next token. */
  context: string;
  next: string;
}

export interface BehaviourComparison extends BehaviourResult {
  cost: BehaviourCost[];
  /** The evidence positions as text (same order as `evidence`). */
  evidenceText: EvidenceText[];
}

export interface CompareBehaviourOptions {
  probes?: ProbeSet;
  /** Called after each probe text of each model. */
  onProgress?: (done: number, total: number) => void;
}

const costOf = (model: string, r: BehaviourRecord): BehaviourCost => ({ model, tokens: r.tokens, seconds: Math.round(r.seconds * 100) / 100 });

/** Is B behaviour-derived from A (trained on its outputs), against the controls? */
export function compareBehaviour(a: CanonicalModel, b: CanonicalModel, controls: CanonicalModel[], options: CompareBehaviourOptions = {}): BehaviourComparison {
  const probes = options.probes ?? builtinProbes();
  const models = [a, b, ...controls];
  const total = models.length * probes.texts.length;
  const records = models.map((m, i) => recordBehaviour(m, probes, { onProbe: (d) => options.onProgress?.(i * probes.texts.length + d, total) }));
  const named = records.map((record, i) => ({ name: (models[i] as CanonicalModel).path, record }));
  const result = behaviourVerdict(named[0] as (typeof named)[0], named[1] as (typeof named)[0], named.slice(2));
  const vocab = runVocabulary(a);
  const text = (ids: number[]): string => (vocab ? decode(vocab, ids.filter((id) => id < vocab.tokens.length)) : ids.join(" "));
  const evidenceText = result.evidence.map((e) => {
    const toks = [...((records[0] as BehaviourRecord).probes[e.probe]?.tokens ?? [])];
    return { probe: e.probe, domain: probes.texts[e.probe]?.domain ?? "", pos: e.pos, context: text(toks.slice(Math.max(0, e.pos - 31), e.pos + 1)), next: text([e.token]) };
  });
  return { ...result, cost: named.map((n) => costOf(n.name, n.record)), evidenceText };
}
