/**
 * @module behaviour/compare-behaviour
 * Models in, behavioural verdict out: forward passes of A, B and the controls over the probe set
 * (pedigree's own run kernels), then the pool test (verdict.ts). Reports the cost per model.
 * Models that tokenize the probes alike are compared token by token; otherwise at the text level
 * (text-level.ts: next characters where every model's tokens end).
 */
import { decode } from "../formats/tokenizer/index.js";
import type { CanonicalModel } from "../model/canonical.js";
import { runVocabulary } from "../run/index.js";
import { builtinProbes, type ProbeSet } from "./probes.js";
import { UsageError } from "../errors.js";
import { recordBehaviour, type BehaviourRecord } from "./record.js";
import { END_OF_TEXT, onCommonOffsets } from "./text-level.js";
import { behaviourVerdict, type BehaviourResult, type NamedRecord } from "./verdict.js";

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

export type BehaviourLevel = "token" | "text";

export interface BehaviourComparison extends BehaviourResult {
  /** "token" when every model tokenizes the probes alike, else "text". */
  level: BehaviourLevel;
  cost: BehaviourCost[];
  /** The evidence positions as text (same order as `evidence`). */
  evidenceText: EvidenceText[];
}

export interface CompareBehaviourOptions {
  probes?: ProbeSet;
  /** Called after each probe text of each model. */
  onProgress?: (done: number, total: number) => void;
}

/** Each token's text, as decoding shows it (storage spellings differ between formats: "Ġ" in tokenizer.json, bytes in GGUF). */
function tokenTexts(m: CanonicalModel): string[] | null {
  const v = runVocabulary(m);
  return v ? v.tokens.map((_, t) => decode(v, [t], { skipSpecial: false })) : null;
}

export const costOf = (model: string, r: BehaviourRecord): BehaviourCost => ({ model, tokens: r.tokens, seconds: Math.round(r.seconds * 100) / 100 });

/** Is B behaviour-derived from A (trained on its outputs), against the controls? */
export function compareBehaviour(a: CanonicalModel, b: CanonicalModel, controls: CanonicalModel[], options: CompareBehaviourOptions = {}): BehaviourComparison {
  const probes = options.probes ?? builtinProbes();
  const models = [a, b, ...controls];
  const total = models.length * probes.texts.length;
  // the same tokenizer: the same text under every id
  const texts = models.map(tokenTexts);
  const alike = (x: string[] | null, y: string[] | null) => !!x && !!y && x.length === y.length && x.every((t, i) => t === y[i]);
  // B and its controls must be alike (exchangeable under H0), so they share one tokenizer; A's may
  // differ. Checked before any forward pass.
  const other = models.slice(2).findIndex((_, i) => !alike(texts[i + 2] as string[] | null, texts[1] as string[] | null));
  if (other >= 0) throw new UsageError(`${(controls[other] as CanonicalModel).path}: a control must have B's tokenizer (B and its controls are compared with one another; A's may differ)`);
  const full = models.map((m, i) => recordBehaviour(m, probes, { text: true, onProbe: (d) => options.onProgress?.(i * probes.texts.length + d, total) }));
  // token by token when A shares the tokenizer and every model cut the probes alike (BOS handling may differ)
  const cutAlike = full.every((r) => r.probes.every((p, i) => {
    const q = full[0]?.probes[i];
    return !!q && p.tokens.every((t, j) => j >= q.tokens.length || t === q.tokens[j]);
  }));
  const level: BehaviourLevel = alike(texts[0] as string[] | null, texts[1] as string[] | null) && cutAlike ? "token" : "text";
  const missing = full.findIndex((r) => level === "text" && !r.text);
  if (missing >= 0) throw new UsageError(`${(models[missing] as CanonicalModel).path}: A's and B's tokenizers differ, and a text-level comparison reads SentencePiece, byte-level BPE and character tokenizers only`);
  const records = level === "token" ? full : onCommonOffsets(full.map((r) => r.text as BehaviourRecord));
  const named = records.map((record, i) => ({ name: (models[i] as CanonicalModel).path, record }));
  return judgeBehaviour(a, probes, named, level, named.map((n, i) => costOf(n.name, full[i] as BehaviourRecord)));
}

/**
 * The verdict on records already made: [A, B, ...controls] (one level, one tokenization), with A's
 * tokenizer to show the evidence as text and what the forward passes cost.
 */
export function judgeBehaviour(a: CanonicalModel, probes: ProbeSet, named: NamedRecord[], level: BehaviourLevel, cost: BehaviourCost[]): BehaviourComparison {
  const records = named.map((n) => n.record);
  const positions = records[0]?.probes.reduce((s, p) => s + p.tokens.length, 0) ?? 0;
  if (positions === 0) throw new UsageError("the models' tokenizers share no token boundary in the probe texts: they cannot be compared");
  const result = behaviourVerdict(named[0] as NamedRecord, named[1] as NamedRecord, named.slice(2));
  const vocab = runVocabulary(a);
  const text = (ids: number[]): string => (vocab ? decode(vocab, ids.filter((id) => id < vocab.tokens.length)) : ids.join(" "));
  const evidenceText = result.evidence.map((e) => {
    const domain = probes.texts[e.probe]?.domain ?? "";
    if (level === "text") {
      const at = (records[0] as BehaviourRecord).probes[e.probe]?.tokens[e.pos] ?? 0;
      const body = probes.texts[e.probe]?.text ?? "";
      return { probe: e.probe, domain, pos: e.pos, context: body.slice(Math.max(0, at - 40), at), next: e.token === END_OF_TEXT ? "" : String.fromCodePoint(e.token) };
    }
    const toks = [...((records[0] as BehaviourRecord).probes[e.probe]?.tokens ?? [])];
    return { probe: e.probe, domain, pos: e.pos, context: text(toks.slice(Math.max(0, e.pos - 31), e.pos + 1)), next: text([e.token]) };
  });
  return { ...result, level, cost, evidenceText };
}
