/**
 * @module formats/tokenizer/wordpiece
 * Word-based models, approximately (enough to run a small model on a prompt, not byte-exact with
 * HF for every normaliser):
 * - WordPiece (BERT): optional lowercasing, split on whitespace and each punctuation/symbol
 *   character, then greedy longest-match-first with the "##" continuation prefix; a word longer
 *   than 100 characters or with an unmatched rest is <unk>.
 * - Plain (not byte-level, not SentencePiece) BPE: split like HF's Whitespace pre-tokenizer, mark
 *   continuation / word-end with the model's prefix / suffix, merge by rank.
 */
import { BadInputError } from "../../errors.js";
import { mergePairs, type PairRule } from "./bpe-merge.js";
import { derived, isSpecialToken, type Vocabulary } from "./vocabulary.js";

const MAX_WORD_CHARS = 100;
const BERT_WORDS = /[^\s\p{P}\p{S}]+|[\p{P}\p{S}]/gu;
const WHITESPACE_WORDS = /[\p{L}\p{N}\p{M}_]+|[^\s\p{L}\p{N}\p{M}_]+/gu;

function unk(v: Vocabulary, what: string): number {
  if (v.unk !== undefined) return v.unk;
  throw new BadInputError(v.source, `cannot encode ${JSON.stringify(what)}: not in the vocabulary and no unknown token`);
}

export function encodeWordPiece(v: Vocabulary, text: string): number[] {
  const { index } = derived(v);
  const prefix = v.continuingSubwordPrefix ?? "##";
  const input = v.lowercase ? text.toLowerCase() : text;
  const out: number[] = [];
  for (const word of input.match(BERT_WORDS) ?? []) {
    const chars = Array.from(word);
    if (chars.length > MAX_WORD_CHARS) {
      out.push(unk(v, word));
      continue;
    }
    const ids: number[] = [];
    let start = 0;
    let bad = false;
    while (start < chars.length) {
      let found = -1;
      let end = chars.length;
      for (; end > start; end--) {
        const sub = (start > 0 ? prefix : "") + chars.slice(start, end).join("");
        const id = index.get(sub);
        if (id !== undefined) {
          found = id;
          break;
        }
      }
      if (found < 0) {
        bad = true;
        break;
      }
      ids.push(found);
      start = end;
    }
    if (bad) out.push(unk(v, word));
    else for (const id of ids) out.push(id);
  }
  return out;
}

export function encodePlainBpe(v: Vocabulary, text: string): number[] {
  const { index } = derived(v);
  const tokens = v.tokens;
  const prefix = v.continuingSubwordPrefix ?? "";
  const suffix = v.endOfWordSuffix ?? "";
  const rank = new Map<string, number>();
  (v.merges ?? []).forEach((m, r) => {
    if (!rank.has(m)) rank.set(m, r);
  });
  const rule: PairRule = (a, b) => {
    const ta = tokens[a] ?? "";
    const tb = tokens[b] ?? "";
    const r = rank.get(`${ta} ${tb}`);
    if (r === undefined) return undefined;
    const merged = ta + (prefix !== "" && tb.startsWith(prefix) ? tb.slice(prefix.length) : tb);
    const id = index.get(merged);
    return id !== undefined ? { id, priority: -r } : undefined;
  };
  const out: number[] = [];
  for (const word of text.match(WHITESPACE_WORDS) ?? []) {
    const chars = Array.from(word);
    const symbols = chars.map((c, i) => {
      const s = (i > 0 ? prefix : "") + c + (i === chars.length - 1 ? suffix : "");
      return index.get(s) ?? unk(v, c);
    });
    for (const id of mergePairs(symbols, rule)) out.push(id);
  }
  return out;
}

/** WordPiece / plain BPE decode: "##" pieces glue to the previous one, word-end suffixes become spaces. */
export function decodeWordBased(v: Vocabulary, ids: readonly number[], options: { skipSpecial?: boolean } = {}): string {
  const skipSpecial = options.skipSpecial ?? true;
  const prefix = v.continuingSubwordPrefix ?? (v.kind === "wordpiece" ? "##" : "");
  const suffix = v.endOfWordSuffix ?? "";
  let out = "";
  let first = true;
  for (const id of ids) {
    const t = v.tokens[id];
    if (!Number.isInteger(id) || t === undefined) throw new BadInputError(v.source, `token id ${id} is outside the vocabulary (0..${v.tokens.length - 1})`);
    if (skipSpecial && isSpecialToken(v, id)) continue;
    if (suffix !== "") {
      out += t.endsWith(suffix) ? `${t.slice(0, -suffix.length)} ` : t;
    } else if (prefix !== "" && t.startsWith(prefix)) {
      out += t.slice(prefix.length);
    } else {
      out += first ? t : ` ${t}`;
    }
    first = false;
  }
  return suffix !== "" ? out.trimEnd() : out;
}
