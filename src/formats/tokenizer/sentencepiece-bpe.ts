/**
 * @module formats/tokenizer/sentencepiece-bpe
 * Encoding and decoding with SentencePiece-style vocabularies (llama2.c tokenizer.bin, .model, GGUF
 * "llama", tokenizer.json Metaspace/byte-fallback BPE and Unigram).
 *
 * BPE encode follows llama2.c run.c encode(): dummy prefix, one symbol per UTF-8 character, byte
 * fallback for characters not in the vocabulary (the <0xXX> tokens are found by their strings,
 * not assumed to sit at byte + 3), then repeatedly merge the adjacent pair whose concatenation is a
 * piece with the highest score (leftmost among equals). Vocabularies without scores (tokenizer.json
 * BPE) merge by the rank of their `merges` instead, as HF tokenizers does.
 * Unigram encode is SentencePiece's Viterbi segmentation (unknown characters scored min - 10).
 *
 * Decode follows run.c decode(): the space marker becomes " ", the leading space of the piece
 * right after BOS is dropped, <0xXX> tokens become raw bytes; the bytes are then UTF-8 decoded.
 */
import { BadInputError } from "../../errors.js";
import { mergePairs, type PairRule } from "./bpe-merge.js";
import { byteTokenName, byteTokenOf, derived, encodeUtf8Escaped, isSpecialToken, TokenType, type Vocabulary } from "./vocabulary.js";

/** Penalty below the lowest piece score given to an unknown character (SentencePiece kUnkPenalty). */
const UNK_PENALTY = 10;

interface SpTables {
  usable: (id: number) => boolean;
  byteIds: (number | undefined)[];
  rule: PairRule;
  maxPieceChars: number;
  minScore: number;
}

const tables = new WeakMap<Vocabulary, SpTables>();

function spTables(v: Vocabulary): SpTables {
  const cached = tables.get(v);
  if (cached) return cached;
  const { index } = derived(v);
  const types = v.types;
  // Pieces that text may be segmented into: with types, only normal and user-defined ones
  // (SentencePiece); without (llama2.c), every token, as run.c's str_lookup does.
  const usable = (id: number): boolean => {
    if (!types) return true;
    const t = types[id];
    return t === TokenType.NORMAL || t === TokenType.USER_DEFINED;
  };
  const byteIds: (number | undefined)[] = [];
  for (let b = 0; b < 256; b++) {
    const id = index.get(byteTokenName(b));
    byteIds.push(id !== undefined && byteTokenOf(v, id) === b ? id : undefined);
  }
  const tokens = v.tokens;
  let rule: PairRule;
  const scores = v.scores;
  if (scores && v.algorithm !== "unigram") {
    rule = (a, b) => {
      const id = index.get(`${tokens[a] ?? ""}${tokens[b] ?? ""}`);
      return id !== undefined && usable(id) ? { id, priority: scores[id] ?? 0 } : undefined;
    };
  } else if (v.merges) {
    const rank = new Map<string, number>();
    v.merges.forEach((m, r) => {
      if (!rank.has(m)) rank.set(m, r);
    });
    rule = (a, b) => {
      const ta = tokens[a] ?? "";
      const tb = tokens[b] ?? "";
      const r = rank.get(`${ta} ${tb}`);
      if (r === undefined) return undefined;
      const id = index.get(ta + tb);
      return id !== undefined ? { id, priority: -r } : undefined;
    };
  } else {
    // No scores and no merges: earlier pieces first (SentencePiece orders pieces by score).
    rule = (a, b) => {
      const id = index.get(`${tokens[a] ?? ""}${tokens[b] ?? ""}`);
      return id !== undefined && usable(id) ? { id, priority: -id } : undefined;
    };
  }
  let maxPieceChars = 1;
  let minScore = Infinity;
  tokens.forEach((t, id) => {
    if (!usable(id) || t === "") return;
    maxPieceChars = Math.max(maxPieceChars, Array.from(t).length);
    const s = scores?.[id];
    if (s !== undefined && s < minScore) minScore = s;
  });
  const t: SpTables = { usable, byteIds, rule, maxPieceChars, minScore: Number.isFinite(minScore) ? minScore : 0 };
  tables.set(v, t);
  return t;
}

/** The text as the model sees it: extra spaces removed (if the model says), dummy prefix, space marker. */
export function normalizeForSentencePiece(v: Vocabulary, text: string): string {
  let t = text;
  if (v.removeExtraWhitespaces) t = t.replace(/^ +| +$/g, "").replace(/ {2,}/g, " ");
  if ((v.addSpacePrefix ?? true) && t.length > 0) t = ` ${t}`;
  const marker = v.spaceMarker ?? "▁";
  return marker === " " ? t : t.replaceAll(" ", marker);
}

function unkOrFail(v: Vocabulary, ch: string): number {
  if (v.unk !== undefined) return v.unk;
  throw new BadInputError(v.source, `cannot encode ${JSON.stringify(ch)}: not in the vocabulary, no byte tokens and no <unk>`);
}

/** Ids for one character missing from the vocabulary: its bytes as <0xXX> tokens, else <unk>. */
function fallback(v: Vocabulary, t: SpTables, ch: string, out: number[]): void {
  const bytes = encodeUtf8Escaped(ch);
  const ids: number[] = [];
  for (const b of bytes) {
    const id = t.byteIds[b];
    if (id === undefined) {
      out.push(unkOrFail(v, ch));
      return;
    }
    ids.push(id);
  }
  for (const id of ids) out.push(id);
}

function encodeBpe(v: Vocabulary, t: SpTables, text: string): number[] {
  const { index } = derived(v);
  const symbols: number[] = [];
  for (const ch of text) {
    const id = index.get(ch);
    if (id !== undefined && t.usable(id)) symbols.push(id);
    else fallback(v, t, ch, symbols);
  }
  return mergePairs(symbols, t.rule);
}

function encodeUnigram(v: Vocabulary, t: SpTables, text: string): number[] {
  const { index } = derived(v);
  const chars = Array.from(text);
  const n = chars.length;
  const best = new Float64Array(n + 1).fill(-Infinity);
  const from = new Int32Array(n + 1);
  const piece = new Int32Array(n + 1).fill(-1);
  best[0] = 0;
  const unkScore = t.minScore - UNK_PENALTY;
  for (let i = 0; i < n; i++) {
    const base = best[i] ?? -Infinity;
    if (base === -Infinity) continue;
    let s = "";
    let single = false;
    for (let len = 1; len <= t.maxPieceChars && i + len <= n; len++) {
      s += chars[i + len - 1] ?? "";
      const id = index.get(s);
      if (id === undefined || !t.usable(id)) continue;
      if (len === 1) single = true;
      const score = base + (v.scores?.[id] ?? 0);
      if (score > (best[i + len] ?? -Infinity)) {
        best[i + len] = score;
        from[i + len] = i;
        piece[i + len] = id;
      }
    }
    if (!single && base + unkScore > (best[i + 1] ?? -Infinity)) {
      best[i + 1] = base + unkScore;
      from[i + 1] = i;
      piece[i + 1] = -1;
    }
  }
  const path: { id: number; ch: string }[] = [];
  for (let end = n; end > 0; end = from[end] ?? 0) {
    const start = from[end] ?? 0;
    path.push({ id: piece[end] ?? -1, ch: chars.slice(start, end).join("") });
  }
  path.reverse();
  const out: number[] = [];
  let lastUnk = false;
  for (const p of path) {
    if (p.id >= 0) {
      out.push(p.id);
      lastUnk = false;
    } else if (v.byteFallback) {
      fallback(v, t, p.ch, out);
    } else {
      // SentencePiece fuses a run of unknown characters into one <unk>.
      if (!lastUnk) out.push(unkOrFail(v, p.ch));
      lastUnk = true;
    }
  }
  return out;
}

function encodeWhole(v: Vocabulary, t: SpTables, parts: string[]): number[] {
  const { index } = derived(v);
  const out: number[] = [];
  for (const p of parts) {
    const id = index.get(p);
    if (id !== undefined && t.usable(id)) out.push(id);
    else if (v.byteFallback) fallback(v, t, p, out);
    else out.push(unkOrFail(v, p));
  }
  return out;
}

/** Token ids of `text` (without BOS/EOS). */
export function encodeSentencePiece(v: Vocabulary, text: string): number[] {
  const t = spTables(v);
  const norm = normalizeForSentencePiece(v, text);
  if (norm === "") return [];
  switch (v.algorithm) {
    case "unigram":
      return encodeUnigram(v, t, norm);
    case "char":
      return encodeWhole(v, t, Array.from(norm));
    case "word": {
      const marker = v.spaceMarker ?? "▁";
      return encodeWhole(v, t, norm.split(marker).flatMap((w, i) => (i === 0 ? (w === "" ? [] : [w]) : [marker + w])));
    }
    default:
      return encodeBpe(v, t, norm);
  }
}

export interface SentencePieceDecodeOptions {
  /** Leave out BOS/EOS/PAD and control tokens (default true). */
  skipSpecial?: boolean;
  /**
   * Which leading space to drop: "after-bos" (default; run.c: the piece right after BOS loses a
   * leading space), "first" (also the very first piece, as SentencePiece and HF's Strip decoder
   * do for a dummy prefix), or "none".
   */
  stripLeadingSpace?: "after-bos" | "first" | "none";
}

const utf8 = new TextDecoder("utf-8");

export function decodeSentencePiece(v: Vocabulary, ids: readonly number[], options: SentencePieceDecodeOptions = {}): string {
  const skipSpecial = options.skipSpecial ?? true;
  const strip = options.stripLeadingSpace ?? "after-bos";
  const marker = v.spaceMarker ?? "▁";
  const bytes: number[] = [];
  let prev = -1;
  let first = true;
  for (const id of ids) {
    const token = v.tokens[id];
    if (!Number.isInteger(id) || token === undefined) {
      throw new BadInputError(v.source, `token id ${id} is outside the vocabulary (0..${v.tokens.length - 1})`);
    }
    if (skipSpecial && isSpecialToken(v, id)) {
      prev = id;
      continue;
    }
    const b = byteTokenOf(v, id);
    if (b !== undefined) {
      bytes.push(b);
    } else {
      let piece = marker === " " ? token : token.replaceAll(marker, " ");
      const afterBos = prev === v.bos && v.bos !== undefined;
      if (piece.startsWith(" ") && ((strip !== "none" && afterBos) || (strip === "first" && first))) piece = piece.slice(1);
      for (const x of encodeUtf8Escaped(piece)) bytes.push(x);
    }
    first = false;
    prev = id;
  }
  return utf8.decode(Uint8Array.from(bytes));
}
