/**
 * @module behaviour/record
 * A model's behaviour on a probe set: for every probe text, its token ids and, at every position, the
 * top-k next-token log-probabilities plus one "floor" log-probability that stands for every token
 * outside the top k (the leftover mass spread evenly). Bounded in size (texts x positions x k), so it
 * can be stored as a behavioural fingerprint; any token's log-probability can be read back from it.
 */
import { UsageError } from "../errors.js";
import type { CanonicalModel } from "../model/canonical.js";
import { promptTokens, Transformer } from "../run/index.js";
import type { Vocabulary } from "../formats/tokenizer/index.js";
import type { ProbeSet } from "./probes.js";
import { boundaryOffsets, characterRow, charTable, TEXT_LEVEL_KINDS } from "./text-level.js";

/** Next-token log-probabilities kept per position. */
export const DEFAULT_TOP_K = 32;
/** Probe positions used per text at most (the rest of a long text is cut). */
export const MAX_PROBE_TOKENS = 128;

export interface ProbeRecord {
  /** The probe's token ids (after BOS when the tokenizer adds one), cut to the model's context. */
  tokens: Int32Array;
  /** [positions, k] token ids, most likely first. Row i is the prediction after tokens[0..i]. */
  ids: Int32Array;
  /** [positions, k] natural-log probabilities matching ids. */
  logp: Float32Array;
  /** Per position: the log-probability assumed for any token outside the top k. */
  floor: Float32Array;
}

export interface BehaviourRecord {
  probesVersion: string;
  vocabSize: number;
  k: number;
  probes: ProbeRecord[];
  /** Forward-pass tokens and wall-clock seconds spent. */
  tokens: number;
  seconds: number;
  /** The same forward passes at the text level (text-level.ts), when asked for. */
  text?: BehaviourRecord;
}

export interface RecordOptions {
  k?: number;
  /** Also keep the text-level view (next characters at token boundaries), for models with other tokenizers (SentencePiece, byte-level BPE and character tokenizers only). */
  text?: boolean;
  /** Called after each probe text. */
  onProbe?: (done: number, total: number) => void;
}

/** Run `model` over every probe text and keep the top-k log-probabilities at each position. */
export function recordBehaviour(model: CanonicalModel, probes: ProbeSet, options: RecordOptions = {}): BehaviourRecord {
  const k0 = options.k ?? DEFAULT_TOP_K;
  if (!Number.isInteger(k0) || k0 < 2) throw new UsageError(`top-k must be an integer >= 2, got ${k0}`);
  const t0 = performance.now();
  const net = new Transformer(model);
  if (!net.vocabulary) throw new UsageError(`${model.path}: the model has no tokenizer; the behavioural test encodes probe texts`);
  const V = net.vocabSize;
  const k = Math.min(k0, V);
  const limit = Math.min(MAX_PROBE_TOKENS, net.contextLength > 0 ? net.contextLength : MAX_PROBE_TOKENS);
  const out: ProbeRecord[] = [];
  const textOut: ProbeRecord[] = [];
  const table = options.text && TEXT_LEVEL_KINDS.includes(net.vocabulary.kind) ? charTable(net.vocabulary, V) : null;
  const kText = table ? Math.min(k, table.points.length) : 0;
  let tokens = 0;
  probes.texts.forEach((p, n) => {
    const ids = promptTokens(net, p.text).slice(0, limit);
    const textRec: ProbeRecord | null = table
      ? { tokens: boundaryOffsets(net.vocabulary as Vocabulary, ids, p.text), ids: new Int32Array(ids.length * kText), logp: new Float32Array(ids.length * kText), floor: new Float32Array(ids.length) }
      : null;
    const logits = net.logits(ids);
    const P = ids.length;
    const rec: ProbeRecord = { tokens: Int32Array.from(ids), ids: new Int32Array(P * k), logp: new Float32Array(P * k), floor: new Float32Array(P) };
    const row = new Float64Array(V);
    const order = new Int32Array(k);
    for (let i = 0; i < P; i++) {
      let max = -Infinity;
      for (let t = 0; t < V; t++) max = Math.max(max, logits[i * V + t] as number);
      let z = 0;
      for (let t = 0; t < V; t++) {
        row[t] = (logits[i * V + t] as number) - max;
        z += Math.exp(row[t] as number);
      }
      const logZ = Math.log(z);
      for (let t = 0; t < V; t++) row[t] = (row[t] as number) - logZ;
      topK(row, k, order);
      let mass = 0;
      for (let j = 0; j < k; j++) {
        const t = order[j] as number;
        rec.ids[i * k + j] = t;
        rec.logp[i * k + j] = row[t] as number;
        mass += Math.exp(row[t] as number);
      }
      // The leftover mass spread over the other tokens, never above the k-th kept token.
      const rest = V > k ? Math.log(Math.max(1 - mass, 1e-30) / (V - k)) : -Infinity;
      rec.floor[i] = Math.min(rest, rec.logp[i * k + k - 1] as number);
      if (table && textRec) textRec.floor[i] = characterRow(row, table, kText, textRec.ids, textRec.logp, i * kText);
    }
    tokens += P;
    out.push(rec);
    if (textRec) textOut.push(textRec);
    options.onProbe?.(n + 1, probes.texts.length);
  });
  const seconds = (performance.now() - t0) / 1000;
  const text = table ? { probesVersion: probes.version, vocabSize: table.points.length, k: kText, probes: textOut, tokens, seconds } : undefined;
  return { probesVersion: probes.version, vocabSize: V, k, probes: out, tokens, seconds, ...(text ? { text } : {}) };
}

/** The k largest entries of row, largest first (ties: lower id first), into order[0..k): one pass, O(V) typically. */
function topK(row: Float64Array, k: number, order: Int32Array): void {
  let n = 0;
  for (let t = 0; t < row.length; t++) {
    const v = row[t] as number;
    if (n === k && v <= (row[order[k - 1] as number] as number)) continue;
    let j = n < k ? n++ : k - 1;
    while (j > 0 && (row[order[j - 1] as number] as number) < v) {
      order[j] = order[j - 1] as number;
      j--;
    }
    order[j] = t;
  }
}

/** Log-probability of `token` at position i of a probe record (the floor when it is not in the top k). */
export function logProbOf(r: ProbeRecord, k: number, i: number, token: number): number {
  for (let j = 0; j < k; j++) if (r.ids[i * k + j] === token) return r.logp[i * k + j] as number;
  return r.floor[i] as number;
}
