/**
 * @module formats/tokenizer/bytelevel-bpe
 * Byte-level BPE (GPT-2 and its descendants): added tokens are matched whole first; the rest is
 * split with the GPT-2 regex (approximated with a JS unicode regex; skipped when the tokenizer says
 * use_regex false), each chunk's UTF-8 bytes are spelled with the bytes_to_unicode characters, and
 * merges are applied lowest rank first (leftmost among equals). Decode undoes the byte map.
 */
import { BadInputError } from "../../errors.js";
import { mergePairs, type PairRule } from "./bpe-merge.js";
import { BYTE_TO_UNICODE, byteLevelTokenBytes, derived, encodeUtf8Escaped, isSpecialToken, TokenType, type Vocabulary } from "./vocabulary.js";

/** GPT-2's pre-tokenizer pattern, as a JS unicode regex. */
export const GPT2_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** Chunks remembered per vocabulary (cleared when full). */
const CHUNK_CACHE_LIMIT = 20000;

interface BlTables {
  rule: PairRule;
  addedRe: RegExp | undefined;
  addedIds: Map<string, number>;
  cache: Map<string, number[]>;
}

const tables = new WeakMap<Vocabulary, BlTables>();

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function blTables(v: Vocabulary): BlTables {
  const cached = tables.get(v);
  if (cached) return cached;
  const { index } = derived(v);
  const tokens = v.tokens;
  const rank = new Map<string, number>();
  (v.merges ?? []).forEach((m, r) => {
    if (!rank.has(m)) rank.set(m, r);
  });
  const rule: PairRule = (a, b) => {
    const ta = tokens[a] ?? "";
    const tb = tokens[b] ?? "";
    const r = rank.get(`${ta} ${tb}`);
    if (r === undefined) return undefined;
    const id = index.get(ta + tb);
    return id !== undefined ? { id, priority: -r } : undefined;
  };
  const addedIds = new Map<string, number>();
  for (const a of v.addedTokens ?? []) if (a.content !== "" && !addedIds.has(a.content)) addedIds.set(a.content, a.id);
  const contents = [...addedIds.keys()].sort((x, y) => y.length - x.length);
  const addedRe = contents.length > 0 ? new RegExp(contents.map(escapeRegExp).join("|"), "gu") : undefined;
  const t: BlTables = { rule, addedRe, addedIds, cache: new Map() };
  tables.set(v, t);
  return t;
}

function encodeChunk(v: Vocabulary, t: BlTables, chunk: string): number[] {
  const hit = t.cache.get(chunk);
  if (hit) return hit;
  const { index } = derived(v);
  const symbols: number[] = [];
  for (const b of encodeUtf8Escaped(chunk)) {
    const ch = BYTE_TO_UNICODE[b] ?? "";
    const id = index.get(ch);
    if (id !== undefined) symbols.push(id);
    else if (v.unk !== undefined) symbols.push(v.unk);
    else throw new BadInputError(v.source, `cannot encode byte 0x${b.toString(16).padStart(2, "0")}: "${ch}" is not in the byte-level vocabulary`);
  }
  const out = mergePairs(symbols, t.rule);
  if (t.cache.size >= CHUNK_CACHE_LIMIT) t.cache.clear();
  t.cache.set(chunk, out);
  return out;
}

/** Token ids of `text` (without BOS/EOS). */
export function encodeByteLevel(v: Vocabulary, text: string): number[] {
  const t = blTables(v);
  const segments: (string | number)[] = [];
  if (t.addedRe) {
    let last = 0;
    for (const m of text.matchAll(t.addedRe)) {
      const at = m.index ?? 0;
      if (at > last) segments.push(text.slice(last, at));
      segments.push(t.addedIds.get(m[0]) ?? -1);
      last = at + m[0].length;
    }
    if (last < text.length) segments.push(text.slice(last));
  } else if (text !== "") {
    segments.push(text);
  }
  const out: number[] = [];
  segments.forEach((seg, i) => {
    if (typeof seg === "number") {
      out.push(seg);
      return;
    }
    const s = v.addSpacePrefix && i === 0 && !seg.startsWith(" ") ? ` ${seg}` : seg;
    const chunks = v.useRegex === false ? [s] : (s.match(GPT2_SPLIT) ?? []);
    for (const c of chunks) for (const id of encodeChunk(v, t, c)) out.push(id);
  });
  return out;
}

export interface ByteLevelDecodeOptions {
  /** Leave out special tokens (default true). */
  skipSpecial?: boolean;
}

const utf8 = new TextDecoder("utf-8");

export function decodeByteLevel(v: Vocabulary, ids: readonly number[], options: ByteLevelDecodeOptions = {}): string {
  const skipSpecial = options.skipSpecial ?? true;
  const { added } = derived(v);
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const id of ids) {
    const token = v.tokens[id];
    if (!Number.isInteger(id) || token === undefined) {
      throw new BadInputError(v.source, `token id ${id} is outside the vocabulary (0..${v.tokens.length - 1})`);
    }
    if (skipSpecial && isSpecialToken(v, id)) continue;
    const type = v.types?.[id];
    const plain = added.has(id) || type === TokenType.CONTROL || type === TokenType.USER_DEFINED;
    const b = plain ? encodeUtf8Escaped(token) : byteLevelTokenBytes(token);
    parts.push(b);
    total += b.length;
  }
  const all = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  return utf8.decode(all);
}
