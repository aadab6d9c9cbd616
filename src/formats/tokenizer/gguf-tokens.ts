/**
 * @module formats/tokenizer/gguf-tokens
 * The vocabulary stored in GGUF metadata (`tokenizer.ggml.*`, FORMATS.md 1.10), read from a plain
 * key -> value record (so this does not depend on the GGUF parser): `tokenizer.ggml.model`
 * (llama = SentencePiece, gpt2 = byte-level BPE, bert = WordPiece, t5 = SentencePiece unigram),
 * `.tokens`, `.scores`, `.token_type`, `.merges`, `.bos_token_id`, `.eos_token_id`,
 * `.unknown_token_id`, `.padding_token_id`, `.add_bos_token`, `.add_space_prefix`,
 * `.remove_extra_whitespaces`.
 */
import { BadInputError } from "../../errors.js";
import { addNote, TokenType, type AddedToken, type Vocabulary } from "./vocabulary.js";

const KEY = "tokenizer.ggml.";

function num(x: unknown): number | undefined {
  if (typeof x === "number" && Number.isFinite(x)) return x;
  if (typeof x === "bigint") return Number(x);
  return undefined;
}

function numberArray(x: unknown, n: number, key: string, file: string): number[] {
  if (!Array.isArray(x)) throw new BadInputError(file, `${key} is not an array`);
  if (x.length !== n) throw new BadInputError(file, `${key} has ${x.length} entries for ${n} tokens`);
  return x.map((e: unknown, i) => {
    const v = num(e);
    if (v === undefined) throw new BadInputError(file, `${key}[${i}] is not a number`);
    return v;
  });
}

function stringArray(x: unknown, key: string, file: string): string[] {
  if (!Array.isArray(x)) throw new BadInputError(file, `${key} is not an array of strings`);
  x.forEach((e: unknown, i) => {
    if (typeof e !== "string") throw new BadInputError(file, `${key}[${i}] is not a string`);
  });
  return x as string[];
}

/** Vocabulary from GGUF metadata (`source` is the GGUF file, named in errors). */
export function ggufVocabulary(meta: Record<string, unknown>, source: string): Vocabulary {
  const file = source;
  const notes: string[] = [];
  const modelName = meta[`${KEY}model`];
  if (meta[`${KEY}tokens`] === undefined) throw new BadInputError(file, `no ${KEY}tokens in the metadata`);
  const tokens = stringArray(meta[`${KEY}tokens`], `${KEY}tokens`, file).slice();
  if (tokens.length === 0) throw new BadInputError(file, `${KEY}tokens is empty`);
  const n = tokens.length;

  let kind: Vocabulary["kind"] = "unknown";
  let algorithm: Vocabulary["algorithm"];
  switch (modelName) {
    case "llama":
      kind = "sentencepiece";
      algorithm = "bpe";
      break;
    case "t5":
      kind = "sentencepiece";
      algorithm = "unigram";
      break;
    case "gpt2":
      kind = "bytelevel-bpe";
      break;
    case "bert":
      kind = "wordpiece";
      break;
    default:
      addNote(notes, `${KEY}model ${JSON.stringify(modelName) ?? "missing"}: tokens read, no encoder`);
  }

  const v: Vocabulary = { kind, tokens, source: file };
  if (meta[`${KEY}scores`] !== undefined) v.scores = Float32Array.from(numberArray(meta[`${KEY}scores`], n, `${KEY}scores`, file));
  if (meta[`${KEY}token_type`] !== undefined) v.types = Int32Array.from(numberArray(meta[`${KEY}token_type`], n, `${KEY}token_type`, file));
  if (meta[`${KEY}merges`] !== undefined) {
    const merges = stringArray(meta[`${KEY}merges`], `${KEY}merges`, file);
    merges.forEach((m, i) => {
      if (m.split(" ").length !== 2) throw new BadInputError(file, `${KEY}merges[${i}] "${m.slice(0, 40)}" is not "a b"`);
    });
    v.merges = merges.slice();
  }

  const id = (name: string): number | undefined => {
    const raw = meta[`${KEY}${name}`];
    if (raw === undefined) return undefined;
    const x = num(raw);
    if (x === undefined || !Number.isInteger(x)) throw new BadInputError(file, `${KEY}${name} is not an integer`);
    // llama.cpp writes -1 / 0xFFFFFFFF for "none".
    if (x < 0 || x === 0xffffffff) return undefined;
    if (x >= n) {
      addNote(notes, `${KEY}${name} ${x} is outside the ${n} tokens`);
      return undefined;
    }
    return x;
  };
  const bos = id("bos_token_id");
  const eos = id("eos_token_id");
  const unk = id("unknown_token_id");
  const pad = id("padding_token_id");
  if (bos !== undefined) v.bos = bos;
  if (eos !== undefined) v.eos = eos;
  if (unk !== undefined) v.unk = unk;
  if (pad !== undefined) v.pad = pad;
  const flag = (name: string): boolean | undefined => {
    const raw = meta[`${KEY}${name}`];
    if (raw === undefined) return undefined;
    if (typeof raw !== "boolean") throw new BadInputError(file, `${KEY}${name} is not a boolean`);
    return raw;
  };
  const addBos = flag("add_bos_token");
  const addSpacePrefix = flag("add_space_prefix");
  const removeExtra = flag("remove_extra_whitespaces");
  if (addBos !== undefined) v.addBos = addBos;

  if (kind === "sentencepiece") {
    v.algorithm = algorithm;
    v.spaceMarker = "▁";
    // llama.cpp's defaults for SPM vocabularies: BOS and a space prefix unless the file says otherwise.
    v.addBos = addBos ?? true;
    v.addSpacePrefix = addSpacePrefix ?? true;
    v.removeExtraWhitespaces = removeExtra ?? false;
    v.byteFallback = v.types ? v.types.some((t) => t === TokenType.BYTE) : tokens.includes("<0x00>");
  } else if (kind === "bytelevel-bpe") {
    v.addSpacePrefix = addSpacePrefix ?? false;
    v.useRegex = true;
    const pre = meta[`${KEY}pre`];
    if (typeof pre === "string" && pre !== "default" && pre !== "gpt2") {
      addNote(notes, `pre-tokenizer "${pre}" is approximated by the GPT-2 regex in encode`);
    }
  } else if (kind === "wordpiece") {
    v.continuingSubwordPrefix = "##";
  }
  if (v.types && kind !== "sentencepiece") {
    // Control and user-defined tokens are stored as plain text, matched whole.
    const added: AddedToken[] = [];
    v.types.forEach((t, i) => {
      if (t === TokenType.CONTROL || t === TokenType.USER_DEFINED) added.push({ id: i, content: tokens[i] ?? "", special: t === TokenType.CONTROL });
    });
    if (added.length > 0) v.addedTokens = added;
  }
  if (notes.length > 0) v.notes = notes;
  return v;
}
