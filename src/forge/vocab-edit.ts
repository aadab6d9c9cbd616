/**
 * @module forge/vocab-edit
 * New vocabularies for vocab-extend and vocab-trim: a fresh Vocabulary object (the token strings,
 * scores, types, merges and special ids kept consistent) wrapped with tokenListOf, so writers emit
 * a tokenizer that matches the edited embedding rows.
 */
import { UsageError } from "../errors.js";
import { tokenListOf, vocabularyOf } from "../formats/tokens.js";
import { byteLevelTokenBytes, byteTokenOf, canonicalTokenText, isSpecialToken, TokenType, type Vocabulary } from "../formats/tokenizer/vocabulary.js";
import type { ModelDraft } from "../model/draft.js";
import type { TokenList } from "../model/weight-set.js";

/** The draft's full vocabulary, checked against its embedding rows. */
export function editableVocabulary(d: ModelDraft, step: string): Vocabulary {
  const v = vocabularyOf(d.tokens);
  if (!v) throw new UsageError(`${step} needs the model's vocabulary (token strings), and this model has none${d.tokens ? " that pedigree can rewrite" : ""}`);
  const embed = d.tensors.find((t) => t.key === "embed");
  const rows = embed?.shape[0];
  if (rows !== undefined && rows !== v.tokens.length) {
    throw new UsageError(`${step}: the vocabulary has ${v.tokens.length} tokens but the embedding has ${rows} rows; pedigree edits vocabularies only when they match`);
  }
  return v;
}

/** Tokens a trim must keep: special, unknown, added, byte tokens and single characters (the base alphabet). */
export function isProtectedToken(v: Vocabulary, id: number): boolean {
  const t = v.tokens[id] ?? "";
  if (isSpecialToken(v, id) || id === v.unk || v.types?.[id] === TokenType.UNKNOWN || v.types?.[id] === TokenType.CONTROL || v.types?.[id] === TokenType.BYTE) return true;
  if ((v.addedTokens ?? []).some((a) => a.id === id)) return true;
  if (byteTokenOf(v, id) !== undefined) return true;
  if (v.kind === "bytelevel-bpe" && byteLevelTokenBytes(t).length <= 1) return true;
  return [...t].length <= 1;
}

const ENGLISH = " etaoinshrdlcumwfgypbvkjxqz.,\n'\"-ETAOINSHRDLCUMWFGYPBVKJXQZ0123456789:;()_=!?/\t#*[]{}<>+&%$@";

function charWeight(c: string): number {
  const i = ENGLISH.indexOf(c);
  return i < 0 ? 0.001 : 1 / (i + 2);
}

/**
 * How frequent each token probably is, without a corpus: SentencePiece scores when they vary,
 * else BPE merge order (base tokens first, by English character frequency), else character
 * frequency of the token's text.
 */
function frequencies(v: Vocabulary): Float64Array {
  const n = v.tokens.length;
  const f = new Float64Array(n);
  const text = (id: number) => {
    try {
      return canonicalTokenText(v, id);
    } catch {
      return v.tokens[id] ?? "";
    }
  };
  const byChars = (id: number) => [...text(id)].reduce((a, c) => a * charWeight(c), 1);
  const s = v.scores;
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of s ?? []) {
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  if (s && n > 1 && hi > lo) {
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (s[b] as number) - (s[a] as number) || a - b);
    order.forEach((id, rank) => (f[id] = 1 / (rank + 2)));
    return f;
  }
  if (v.merges?.length) {
    const rankOf = new Map<string, number>();
    v.merges.forEach((m, i) => {
      const sp = m.indexOf(" ");
      const joined = m.slice(0, sp) + m.slice(sp + 1);
      if (!rankOf.has(joined)) rankOf.set(joined, i);
    });
    for (let id = 0; id < n; id++) {
      const r = rankOf.get(v.tokens[id] ?? "");
      f[id] = r === undefined ? byChars(id) : 0.01 / (r + 2);
    }
    return f;
  }
  for (let id = 0; id < n; id++) f[id] = byChars(id);
  return f;
}

function startsWithSpaceMarker(v: Vocabulary, t: string): boolean {
  return t.startsWith("\u2581") || t.startsWith(" ") || (v.kind === "bytelevel-bpe" && t.startsWith("Ġ"));
}

function usable(v: Vocabulary, id: number): boolean {
  if (isSpecialToken(v, id) || id === v.unk || byteTokenOf(v, id) !== undefined) return false;
  if ((v.addedTokens ?? []).some((a) => a.id === id)) return false;
  const t = v.tokens[id] ?? "";
  if (t === "" || /^<.*>$/.test(t)) return false;
  let text: string;
  try {
    text = canonicalTokenText(v, id);
  } catch {
    return false;
  }
  // eslint-disable-next-line no-control-regex -- control characters other than newline and tab
  return !/[\u0000-\u0008\u000b-\u001f\u007f\uDC80-\uDCFF]/.test(text);
}

/** `n` new token strings, each two frequent existing tokens joined, most probable first. */
export function newTokenStrings(v: Vocabulary, n: number): Array<{ token: string; left: string; right: string }> {
  const freq = frequencies(v);
  const existing = new Set(v.tokens);
  const ids = Array.from({ length: v.tokens.length }, (_, i) => i).filter((id) => usable(v, id)).sort((a, b) => (freq[b] as number) - (freq[a] as number) || a - b);
  const out: Array<{ token: string; left: string; right: string }> = [];
  for (let K = Math.min(ids.length, Math.ceil(Math.sqrt(2 * n)) + 64); ; K = Math.min(ids.length, K * 2)) {
    const top = ids.slice(0, K);
    const pairs: Array<[number, number, number]> = [];
    for (const a of top) for (const b of top) if (!startsWithSpaceMarker(v, v.tokens[b] ?? "")) pairs.push([(freq[a] as number) * (freq[b] as number), a, b]);
    pairs.sort((x, y) => y[0] - x[0] || x[1] - y[1] || x[2] - y[2]);
    out.length = 0;
    const made = new Set<string>();
    for (const [, a, b] of pairs) {
      const left = v.tokens[a] as string;
      const right = v.tokens[b] as string;
      const token = left + right;
      if (existing.has(token) || made.has(token)) continue;
      made.add(token);
      out.push({ token, left, right });
      if (out.length === n) return out;
    }
    if (K >= ids.length) break;
  }
  throw new UsageError(`vocab-extend: cannot make ${n} new distinct tokens from this vocabulary's ${ids.length} ordinary tokens`);
}

/** The vocabulary with tokens appended. */
export function extendedVocabulary(v: Vocabulary, added: Array<{ token: string; left: string; right: string }>): Vocabulary {
  const n0 = v.tokens.length;
  const out: Vocabulary = { ...v, tokens: [...v.tokens, ...added.map((a) => a.token)], notes: [...(v.notes ?? [])] };
  if (v.scores) {
    let min = Infinity;
    for (const s of v.scores) min = Math.min(min, s);
    const scores = new Float32Array(n0 + added.length);
    scores.set(v.scores);
    added.forEach((_, i) => (scores[n0 + i] = (Number.isFinite(min) ? min : 0) - 1 - i));
    out.scores = scores;
  }
  if (v.types) {
    const types = new Int32Array(n0 + added.length).fill(TokenType.NORMAL);
    types.set(v.types);
    out.types = types;
  }
  if (v.merges || v.kind === "bytelevel-bpe" || v.kind === "bpe") out.merges = [...(v.merges ?? []), ...added.map((a) => `${a.left} ${a.right}`)];
  return out;
}

/** The vocabulary restricted to `keep` (increasing old ids); special ids and merges follow. */
export function trimmedVocabulary(v: Vocabulary, keep: Int32Array): Vocabulary {
  const newId = new Map<number, number>();
  keep.forEach((old, i) => newId.set(old, i));
  const remap = (id: number | undefined) => (id === undefined ? undefined : newId.get(id));
  const tokens = Array.from(keep, (id) => v.tokens[id] as string);
  const kept = new Set(tokens);
  const out: Vocabulary = { ...v, tokens, notes: [...(v.notes ?? [])] };
  if (v.scores) out.scores = Float32Array.from(keep, (id) => v.scores?.[id] ?? 0);
  if (v.types) out.types = Int32Array.from(keep, (id) => v.types?.[id] ?? TokenType.NORMAL);
  out.bos = remap(v.bos);
  out.eos = remap(v.eos);
  out.unk = remap(v.unk);
  out.pad = remap(v.pad);
  if (v.addedTokens) out.addedTokens = v.addedTokens.filter((a) => newId.has(a.id)).map((a) => ({ ...a, id: newId.get(a.id) as number }));
  if (v.merges) {
    out.merges = v.merges.filter((m) => {
      const sp = m.indexOf(" ");
      const a = m.slice(0, sp);
      const b = m.slice(sp + 1);
      return kept.has(a) && kept.has(b) && kept.has(a + b);
    });
  }
  return out;
}

export function tokenList(v: Vocabulary): TokenList {
  return tokenListOf(v);
}
