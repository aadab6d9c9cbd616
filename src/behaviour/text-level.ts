/**
 * @module behaviour/text-level
 * The behavioural test across tokenizers. Models with different tokenizers predict different
 * things (their own tokens), but every token begins with a character of text, so at a point of the
 * probe text where a model's tokens end, its next-token distribution gives a distribution of the next
 * character: P(c) = sum of p(t) over the tokens t whose text begins with c (tokens that add no text,
 * like end-of-text, are one symbol END_OF_TEXT). Where the token boundaries of every model coincide
 * (byte-level and word-piece tokenizers share most word starts), these distributions are comparable.
 *
 * A text-level record is a BehaviourRecord whose "tokens" are the boundary offsets (UTF-16 units into
 * the probe text, -1 where the decoded prefix is not the text's) and whose "ids" are Unicode code
 * points; a byte token that is not a whole character (part of a UTF-8 sequence) reads as U+FFFD,
 * so a byte model's non-ASCII mass is one symbol. onCommonOffsets() keeps, in every record, only the offsets all of them share, after which
 * the token-level machinery (alignment, agreement, pool test) applies unchanged. It is an
 * approximation: a model's next-character distribution at a boundary is conditioned on the text
 * being cut there by its own tokenizer. For byte-vocabulary models on ASCII text it is the
 * token-level record itself.
 */
import { decode, encode, type Vocabulary } from "../formats/tokenizer/index.js";
import type { BehaviourRecord, ProbeRecord } from "./record.js";

/** The symbol of tokens that add no text (end of text, control tokens). */
export const END_OF_TEXT = 0x110000;

/** Each token's first character: `index[t]` into `points` (the distinct code points, END_OF_TEXT for tokens that add none). */
export interface CharTable {
  index: Int32Array;
  points: Int32Array;
}

/** Tokenizers whose tokens' first characters charTable reads right (suffix-marked BPE and WordPiece decode with spaces a single token does not show). */
export const TEXT_LEVEL_KINDS: readonly string[] = ["sentencepiece", "bytelevel-bpe", "chars"];

/** The first character each token adds after ordinary text. */
export function charTable(v: Vocabulary, vocabSize: number): CharTable {
  const anchor = encode(v, "a", { bos: false });
  const before = decode(v, anchor);
  const dense = new Map<number, number>();
  const index = new Int32Array(vocabSize);
  for (let t = 0; t < vocabSize; t++) {
    let c = END_OF_TEXT;
    if (t < v.tokens.length) {
      const s = decode(v, [...anchor, t]);
      const rest = s.startsWith(before) ? s.slice(before.length) : decode(v, [t]);
      if (rest.length > 0) c = rest.codePointAt(0) as number;
    }
    let d = dense.get(c);
    if (d === undefined) dense.set(c, (d = dense.size));
    index[t] = d;
  }
  return { index, points: Int32Array.from(dense.keys()) };
}

/** Where in `text` each position's prediction is made: the length of the decoded prefix tokens[0..i], or -1 when it is not a prefix of the text. */
export function boundaryOffsets(v: Vocabulary, tokens: readonly number[], text: string): Int32Array {
  const out = new Int32Array(tokens.length).fill(-1);
  for (let i = 0; i < tokens.length; i++) {
    const s = decode(v, tokens.slice(0, i + 1));
    // a SentencePiece dummy prefix may show as a leading space; the text's start (after BOS) is left
    // out: there a SentencePiece model's next token carries that prefix, which is not text
    if (s.length > 0 && text.startsWith(s)) out[i] = s.length;
    else if (s.length > 1 && s.startsWith(" ") && text.startsWith(s.slice(1))) out[i] = s.length - 1;
  }
  return out;
}

/**
 * One position's next-character distribution from its full, normalised next-token log-probabilities
 * `row`: the top k characters (code points, most likely first) into ids/logp from `at`; returns the
 * floor (the leftover mass spread over the other characters, never above the k-th kept).
 */
export function characterRow(row: Float64Array, table: CharTable, k: number, ids: Int32Array, logp: Float32Array, at: number): number {
  const C = table.points.length;
  const mass = new Float64Array(C);
  for (let t = 0; t < row.length; t++) {
    const c = table.index[t] as number;
    mass[c] = (mass[c] as number) + Math.exp(row[t] as number);
  }
  // the k largest by insertion (k is small; C may be tens of thousands)
  const order: number[] = [];
  for (let c = 0; c < C; c++) {
    const v = mass[c] as number;
    if (order.length === k && v <= (mass[order[k - 1] as number] as number)) continue;
    let j = order.length < k ? order.push(c) - 1 : k - 1;
    while (j > 0 && (mass[order[j - 1] as number] as number) < v) {
      order[j] = order[j - 1] as number;
      j--;
    }
    order[j] = c;
  }
  let kept = 0;
  for (let j = 0; j < k; j++) {
    const c = order[j];
    ids[at + j] = c === undefined ? -1 : (table.points[c] as number);
    logp[at + j] = c === undefined ? -69 : Math.log(Math.max(mass[c] as number, 1e-30));
    kept += c === undefined ? 0 : (mass[c] as number);
  }
  const rest = C > k ? Math.log(Math.max(1 - kept, 1e-30) / (C - k)) : -69;
  return Math.min(rest, logp[at + k - 1] as number);
}

/** Every record cut to the boundary offsets all of them share, probe by probe (the offsets become each record's `tokens`). */
export function onCommonOffsets(records: BehaviourRecord[]): BehaviourRecord[] {
  if (records.length === 0) return [];
  const texts = Math.min(...records.map((r) => r.probes.length));
  const common: number[][] = [];
  for (let p = 0; p < texts; p++) {
    const sets = records.map((r) => new Set(Array.from((r.probes[p] as ProbeRecord).tokens).filter((o) => o >= 0)));
    const [first, ...rest] = sets;
    common.push([...(first ?? [])].filter((o) => rest.every((s) => s.has(o))).sort((a, b) => a - b));
  }
  return records.map((r) => ({
    ...r,
    probes: common.map((offs, p) => {
      const src = r.probes[p] as ProbeRecord;
      const at = new Map<number, number>();
      // where tokens adding no text repeat an offset, the last position predicts the next character
      src.tokens.forEach((o, i) => {
        if (o >= 0) at.set(o, i);
      });
      const out: ProbeRecord = { tokens: Int32Array.from(offs), ids: new Int32Array(offs.length * r.k), logp: new Float32Array(offs.length * r.k), floor: new Float32Array(offs.length) };
      offs.forEach((o, i) => {
        const j = at.get(o) as number;
        out.ids.set(src.ids.subarray(j * r.k, (j + 1) * r.k), i * r.k);
        out.logp.set(src.logp.subarray(j * r.k, (j + 1) * r.k), i * r.k);
        out.floor[i] = src.floor[j] as number;
      });
      return out;
    }),
  }));
}
