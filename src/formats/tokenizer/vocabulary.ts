/**
 * @module formats/tokenizer/vocabulary
 * One normalised vocabulary for every tokenizer source (llama2.c tokenizer.bin, SentencePiece
 * .model, Hugging Face tokenizer.json / vocab.json + merges.txt, GGUF `tokenizer.ggml.*`,
 * character tables), and `canonicalTokenText`, the surface form used to align two vocabularies
 * token by token across formats.
 *
 * Token strings are kept exactly as the tokenizer stores them. Bytes that are not valid UTF-8 (a
 * llama2.c piece holding half a character) are kept losslessly as lone surrogates U+DC80..U+DCFF,
 * one per byte — Python's "surrogateescape" convention (see `decodeUtf8Escaped`).
 */
import { BadInputError } from "../../errors.js";

/** GGUF / SentencePiece token types. */
export const TokenType = {
  NORMAL: 1,
  UNKNOWN: 2,
  CONTROL: 3,
  USER_DEFINED: 4,
  UNUSED: 5,
  BYTE: 6,
} as const;

/** A token the tokenizer matches as a whole in the input (HF added_tokens, GGUF user-defined/control). */
export interface AddedToken {
  id: number;
  content: string;
  /** Special tokens (BOS, EOS, control) are skipped by decode unless asked for. */
  special: boolean;
}

export interface Vocabulary {
  kind: "sentencepiece" | "bytelevel-bpe" | "bpe" | "wordpiece" | "chars" | "unknown";
  /** Token strings as the tokenizer stores them (sentencepiece "▁the", byte-level "Ġthe", "<0x0A>" byte tokens). */
  tokens: string[];
  /** SentencePiece / llama2.c scores. */
  scores?: Float32Array;
  /** GGUF token types (1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte) when known. */
  types?: Int32Array;
  /** BPE merges "a b", highest priority first. */
  merges?: string[];
  bos?: number;
  eos?: number;
  unk?: number;
  pad?: number;
  addBos?: boolean;
  addSpacePrefix?: boolean;
  /** File it came from. */
  source: string;

  // ---- Optional details some sources give; encode/decode use them when present. ----
  /** SentencePiece algorithm (`trainer_spec.model_type`; llama2.c and GGUF "llama" are "bpe"). */
  algorithm?: "unigram" | "bpe" | "word" | "char";
  /** The character standing for a space inside tokens: "▁" (SentencePiece), " " (llama2.c tokenizer.bin). */
  spaceMarker?: string;
  /** Characters missing from the vocabulary are spelled with <0xXX> byte tokens. */
  byteFallback?: boolean;
  /** SentencePiece `remove_extra_whitespaces`: trim and collapse runs of spaces before encoding. */
  removeExtraWhitespaces?: boolean;
  /** Byte-level BPE: split the text with the GPT-2 regex first (HF ByteLevel `use_regex`, default true). */
  useRegex?: boolean;
  /** Tokens matched whole before the model runs (HF added_tokens). */
  addedTokens?: AddedToken[];
  /** WordPiece / BPE continuation prefix ("##") and end-of-word suffix ("</w>"). */
  continuingSubwordPrefix?: string;
  endOfWordSuffix?: string;
  /** WordPiece: lowercase the input first (BertNormalizer lowercase). */
  lowercase?: boolean;
  /** Unicode normalisation encode applies to the text first (HF NFC/NFKC normalizers, SentencePiece nmt_nfkc). */
  normalization?: "NFC" | "NFD" | "NFKC" | "NFKD";
  /** Things a reader noticed and could not represent (gaps in ids, ignored normalisers, ...). */
  notes?: string[];
}

// ------------------------------------------------------------------------------------------------
// UTF-8 with lossless escapes for invalid bytes
// ------------------------------------------------------------------------------------------------

const utf8Fatal = new TextDecoder("utf-8", { fatal: true });
const utf8Encoder = new TextEncoder();

/**
 * UTF-8 decode where every byte that does not start a valid sequence becomes the lone surrogate
 * U+DC00 + byte (U+DC80..U+DCFF), so `encodeUtf8Escaped(decodeUtf8Escaped(b))` gives `b` back.
 */
export function decodeUtf8Escaped(bytes: Uint8Array): string {
  try {
    return utf8Fatal.decode(bytes);
  } catch {
    // fall through to the slow, escaping decoder
  }
  let out = "";
  let i = 0;
  const n = bytes.length;
  const at = (k: number): number => bytes[k] ?? -1;
  const cont = (k: number): boolean => (at(k) & 0xc0) === 0x80 && k < n;
  while (i < n) {
    const b0 = at(i);
    let cp = -1;
    let len = 1;
    if (b0 < 0x80) {
      cp = b0;
    } else if (b0 >= 0xc2 && b0 <= 0xdf && cont(i + 1)) {
      cp = ((b0 & 0x1f) << 6) | (at(i + 1) & 0x3f);
      len = 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef && cont(i + 1) && cont(i + 2)) {
      const c = ((b0 & 0x0f) << 12) | ((at(i + 1) & 0x3f) << 6) | (at(i + 2) & 0x3f);
      if (c >= 0x800 && (c < 0xd800 || c > 0xdfff)) {
        cp = c;
        len = 3;
      }
    } else if (b0 >= 0xf0 && b0 <= 0xf4 && cont(i + 1) && cont(i + 2) && cont(i + 3)) {
      const c = ((b0 & 0x07) << 18) | ((at(i + 1) & 0x3f) << 12) | ((at(i + 2) & 0x3f) << 6) | (at(i + 3) & 0x3f);
      if (c >= 0x10000 && c <= 0x10ffff) {
        cp = c;
        len = 4;
      }
    }
    if (cp < 0) {
      out += String.fromCharCode(0xdc00 + b0);
      i += 1;
    } else {
      out += String.fromCodePoint(cp);
      i += len;
    }
  }
  return out;
}

/** UTF-8 encode, turning the escapes U+DC80..U+DCFF of `decodeUtf8Escaped` back into their bytes. */
export function encodeUtf8Escaped(text: string): Uint8Array {
  if (!/[\uDC80-\uDCFF]/.test(text)) return utf8Encoder.encode(text);
  const parts: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0xdc80 && cp <= 0xdcff) parts.push(cp - 0xdc00);
    else for (const b of utf8Encoder.encode(ch)) parts.push(b);
  }
  return Uint8Array.from(parts);
}

// ------------------------------------------------------------------------------------------------
// Byte tokens and the GPT-2 byte-to-unicode map
// ------------------------------------------------------------------------------------------------

const BYTE_TOKEN = /^<0x([0-9A-Fa-f]{2})>$/;

/** The byte a SentencePiece byte token "<0xAB>" stands for, or undefined. */
export function byteTokenValue(token: string): number | undefined {
  const m = BYTE_TOKEN.exec(token);
  return m?.[1] === undefined ? undefined : parseInt(m[1], 16);
}

/** The spelling of byte `b` as a SentencePiece byte token: "<0x0A>". */
export function byteTokenName(b: number): string {
  return `<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`;
}

function buildByteEncoder(): string[] {
  // GPT-2 bytes_to_unicode(): printable latin-1 bytes map to themselves, the other 68 bytes to
  // U+0100.. in byte order.
  const printable = (b: number): boolean => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const out: string[] = [];
  let n = 0;
  for (let b = 0; b < 256; b++) out.push(String.fromCharCode(printable(b) ? b : 256 + n++));
  return out;
}

/** GPT-2 `bytes_to_unicode`: byte -> the character byte-level BPE tokens spell it with. */
export const BYTE_TO_UNICODE: readonly string[] = buildByteEncoder();
/** The inverse of BYTE_TO_UNICODE. */
export const UNICODE_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_UNICODE.map((c, b) => [c, b]));

/** The bytes a byte-level BPE token spells (characters outside the map contribute their UTF-8). */
export function byteLevelTokenBytes(token: string): Uint8Array {
  const out: number[] = [];
  for (const ch of token) {
    const b = UNICODE_TO_BYTE.get(ch);
    if (b !== undefined) out.push(b);
    else for (const x of encodeUtf8Escaped(ch)) out.push(x);
  }
  return Uint8Array.from(out);
}

// ------------------------------------------------------------------------------------------------
// Special tokens and canonical text
// ------------------------------------------------------------------------------------------------

interface Derived {
  index: Map<string, number>;
  special: Set<number>;
  added: Set<number>;
}
const derivedCache = new WeakMap<Vocabulary, Derived>();

/**
 * Lookup tables built once per vocabulary (cached on the object: do not mutate a vocabulary after
 * encoding or decoding with it).
 */
export function derived(v: Vocabulary): Derived {
  let d = derivedCache.get(v);
  if (d) return d;
  const index = new Map<string, number>();
  v.tokens.forEach((t, i) => {
    if (t !== "" && !index.has(t)) index.set(t, i);
  });
  const special = new Set<number>();
  for (const id of [v.bos, v.eos, v.pad]) if (id !== undefined) special.add(id);
  if (v.types) {
    v.types.forEach((t, i) => {
      if (t === TokenType.CONTROL) special.add(i);
    });
  }
  const added = new Set<number>();
  for (const a of v.addedTokens ?? []) {
    added.add(a.id);
    if (a.special) special.add(a.id);
  }
  d = { index, special, added };
  derivedCache.set(v, d);
  return d;
}

/** Token id of an exact token string, or undefined. */
export function tokenId(v: Vocabulary, token: string): number | undefined {
  return derived(v).index.get(token);
}

/** BOS/EOS/PAD, control tokens and special added tokens (decode skips these by default). */
export function isSpecialToken(v: Vocabulary, id: number): boolean {
  return derived(v).special.has(id);
}

function checkId(v: Vocabulary, id: number): string {
  const t = v.tokens[id];
  if (!Number.isInteger(id) || t === undefined) {
    throw new BadInputError(v.source, `token id ${id} is outside the vocabulary (0..${v.tokens.length - 1})`);
  }
  return t;
}

/** Whether token `id` is a SentencePiece-style "<0xAB>" byte token, and which byte. */
export function byteTokenOf(v: Vocabulary, id: number): number | undefined {
  if (v.kind === "bytelevel-bpe" || v.kind === "chars") return undefined;
  const type = v.types?.[id];
  if (type !== undefined && type !== TokenType.BYTE) return undefined;
  const t = v.tokens[id];
  return t === undefined ? undefined : byteTokenValue(t);
}

/**
 * The bytes token `id` stands for when it is part of ordinary text: sentencepiece's space marker
 * becomes " ", <0xAB> becomes that byte, byte-level BPE characters become their bytes. Special
 * tokens give the UTF-8 of their trimmed text ("\n<s>\n" in a llama2.c file -> "<s>").
 */
export function canonicalTokenBytes(v: Vocabulary, id: number): Uint8Array {
  return encodeUtf8Escaped(canonicalTokenText(v, id));
}

/**
 * A canonical surface form for aligning vocabularies across formats: the token's bytes/text with
 * the tokenizer's space marker normalised (▁ and Ġ -> " ", byte tokens <0xAB> -> that byte,
 * byte-level BPE's unicode-to-byte map undone). Bytes that are not valid UTF-8 on their own (a
 * lone 0xC3) appear as the escape U+DC00 + byte, the same whichever format spelled them.
 * Special tokens (BOS/EOS/UNK/PAD, control tokens, special added tokens) are their trimmed text.
 * WordPiece ("##ing") and plain BPE ("the</w>") tokens are returned unchanged.
 */
export function canonicalTokenText(v: Vocabulary, id: number): string {
  const t = checkId(v, id);
  const d = derived(v);
  if (d.special.has(id) || id === v.unk || v.types?.[id] === TokenType.UNKNOWN) return t.trim();
  const b = byteTokenOf(v, id);
  if (b !== undefined) return decodeUtf8Escaped(Uint8Array.of(b));
  switch (v.kind) {
    case "sentencepiece":
      return v.spaceMarker === " " ? t : t.replaceAll("▁", " ");
    case "bytelevel-bpe": {
      if (d.added.has(id) || v.types?.[id] === TokenType.USER_DEFINED) return t;
      return decodeUtf8Escaped(byteLevelTokenBytes(t));
    }
    default:
      return t;
  }
}

/** Canonical text of every token, in id order. */
export function canonicalTokenTexts(v: Vocabulary): string[] {
  return v.tokens.map((_t, i) => canonicalTokenText(v, i));
}

/** Appends a note to a vocabulary under construction. */
export function addNote(notes: string[], note: string): void {
  if (!notes.includes(note)) notes.push(note);
}
