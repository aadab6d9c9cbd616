/**
 * @module formats/tokenizer/tokenizer-json
 * Hugging Face `tokenizer.json` (the `tokenizers` library's serialization) and the older GPT-2
 * pair `vocab.json` + `merges.txt`.
 *
 * - model.type BPE / WordPiece / Unigram (WordLevel is read as kind "unknown"); an absent type is
 *   inferred from the fields present.
 * - model.vocab: a map token -> id (BPE, WordPiece, WordLevel), a list of [piece, score] (Unigram),
 *   or a plain list of token strings. Ids may be sparse: the tokens array then has "" in the gaps
 *   and a note says how many.
 * - merges: "a b" strings or [a, b] pairs, kept as "a b".
 * - added_tokens: placed at their ids (they win over a different model.vocab entry, as in HF).
 * - byte-level vs sentencepiece-style BPE is decided from the normalizer / pre_tokenizer / decoder:
 *   ByteLevel -> "bytelevel-bpe"; Metaspace, Prepend "▁" or Replace " " <-> "▁" -> "sentencepiece".
 */
import { BadInputError } from "../../errors.js";
import type { ByteSource } from "../../io/byte-source.js";
import { isRecord, readAll, readJson } from "./read-all.js";
import { addNote, type AddedToken, type Vocabulary } from "./vocabulary.js";

const SPIECE_SPACE = "▁";

/** Largest id accepted relative to the number of entries (ids are dense in every real file). */
function maxIdFor(entries: number): number {
  return entries * 4 + 65536;
}

type Json = Record<string, unknown>;

/** The components of a normalizer / pre_tokenizer / decoder / post_processor, flattening Sequences. */
function components(x: unknown): Json[] {
  if (!isRecord(x)) return [];
  if (x.type === "Sequence") {
    const inner = x.normalizers ?? x.pretokenizers ?? x.decoders ?? x.processors;
    return Array.isArray(inner) ? inner.flatMap(components) : [];
  }
  return [x];
}

/** The text of a Replace pattern ({String: "x"} or {Regex: "x"}), or undefined. */
function patternText(p: unknown): string | undefined {
  if (typeof p === "string") return p;
  if (!isRecord(p)) return undefined;
  if (typeof p.String === "string") return p.String;
  if (typeof p.Regex === "string") return p.Regex;
  return undefined;
}

interface Entries {
  pairs: [string, number][];
  scores: Map<number, number> | undefined;
}

function readVocabField(vocab: unknown, file: string, modelType: string): Entries {
  const pairs: [string, number][] = [];
  if (isRecord(vocab)) {
    for (const [token, id] of Object.entries(vocab)) {
      if (typeof id !== "number" || !Number.isSafeInteger(id) || id < 0) {
        throw new BadInputError(file, `model.vocab: id of ${JSON.stringify(token).slice(0, 40)} is ${JSON.stringify(id)?.slice(0, 40)}, not a non-negative integer`);
      }
      pairs.push([token, id]);
    }
    return { pairs, scores: undefined };
  }
  if (Array.isArray(vocab)) {
    const scores = new Map<number, number>();
    vocab.forEach((e: unknown, i) => {
      if (typeof e === "string") {
        pairs.push([e, i]);
      } else if (Array.isArray(e) && e.length === 2 && typeof e[0] === "string" && typeof e[1] === "number") {
        pairs.push([e[0], i]);
        scores.set(i, e[1]);
      } else {
        throw new BadInputError(file, `model.vocab[${i}] is neither a token string nor a [piece, score] pair`);
      }
    });
    return { pairs, scores: scores.size > 0 ? scores : undefined };
  }
  throw new BadInputError(file, `model.vocab of a ${modelType} model must be an object or a list, got ${vocab === null ? "null" : typeof vocab}`);
}

function readMerges(merges: unknown, file: string): string[] | undefined {
  if (merges === undefined || merges === null) return undefined;
  if (!Array.isArray(merges)) throw new BadInputError(file, "model.merges is not a list");
  return merges.map((m: unknown, i) => {
    if (typeof m === "string") {
      if (m.split(" ").length !== 2) throw new BadInputError(file, `model.merges[${i}] "${m.slice(0, 40)}" is not "a b"`);
      return m;
    }
    if (Array.isArray(m) && m.length === 2 && typeof m[0] === "string" && typeof m[1] === "string") return `${m[0]} ${m[1]}`;
    throw new BadInputError(file, `model.merges[${i}] is neither "a b" nor [a, b]`);
  });
}

function readAddedTokens(x: unknown, file: string): AddedToken[] {
  if (x === undefined || x === null) return [];
  if (!Array.isArray(x)) throw new BadInputError(file, "added_tokens is not a list");
  return x.map((a: unknown, i) => {
    if (!isRecord(a) || typeof a.id !== "number" || !Number.isSafeInteger(a.id) || a.id < 0 || typeof a.content !== "string") {
      throw new BadInputError(file, `added_tokens[${i}] needs an integer id and a content string`);
    }
    return { id: a.id, content: a.content, special: a.special === true };
  });
}

/** Places (token, id) pairs into a dense array, "" in the gaps. */
function placeTokens(pairs: [string, number][], added: AddedToken[], file: string, notes: string[]): string[] {
  let maxId = -1;
  for (const [, id] of pairs) maxId = Math.max(maxId, id);
  for (const a of added) maxId = Math.max(maxId, a.id);
  const entries = pairs.length + added.length;
  if (maxId >= maxIdFor(entries)) throw new BadInputError(file, `token id ${maxId} is far beyond the ${entries} tokens listed`);
  const tokens = new Array<string>(maxId + 1).fill("");
  const filled = new Uint8Array(maxId + 1);
  let clashes = 0;
  for (const [token, id] of pairs) {
    if (filled[id] === 1 && tokens[id] !== token) {
      clashes++;
      continue;
    }
    tokens[id] = token;
    filled[id] = 1;
  }
  if (clashes > 0) addNote(notes, `${clashes} model.vocab entries reuse an id already taken; the first was kept`);
  let overridden = 0;
  for (const a of added) {
    if (filled[a.id] === 1 && tokens[a.id] !== a.content) overridden++;
    tokens[a.id] = a.content;
    filled[a.id] = 1;
  }
  if (overridden > 0) addNote(notes, `${overridden} added_tokens replace a different model.vocab entry with the same id`);
  let gaps = 0;
  for (const f of filled) if (f === 0) gaps++;
  if (gaps > 0) addNote(notes, `${gaps} ids between 0 and ${maxId} have no token (filled with "")`);
  return tokens;
}

const BOS_NAMES = ["<s>", "<|begin_of_text|>", "<bos>", "<|startoftext|>", "<|endoftext|>"];
const EOS_NAMES = ["</s>", "<|endoftext|>", "<|end_of_text|>", "<eos>"];
const PAD_NAMES = ["<pad>", "[PAD]", "<|pad|>", "<|padding|>"];

function firstOf(tokens: string[], names: string[]): number | undefined {
  for (const n of names) {
    const i = tokens.indexOf(n);
    if (i >= 0) return i;
  }
  return undefined;
}

/** BOS / EOS from the post-processor (TemplateProcessing, Roberta/BertProcessing), if it says. */
function specialsFromPostProcessor(pp: unknown, tokens: string[]): { bos?: number; eos?: number } {
  const out: { bos?: number; eos?: number } = {};
  const idOf = (name: string, specials: unknown): number | undefined => {
    if (isRecord(specials) && isRecord(specials[name])) {
      const ids = (specials[name] as Json).ids;
      if (Array.isArray(ids) && typeof ids[0] === "number") return ids[0];
    }
    const i = tokens.indexOf(name);
    return i >= 0 ? i : undefined;
  };
  for (const c of components(pp)) {
    if (c.type === "TemplateProcessing" && Array.isArray(c.single)) {
      const first: unknown = c.single[0];
      const last: unknown = c.single[c.single.length - 1];
      if (isRecord(first) && isRecord(first.SpecialToken) && typeof first.SpecialToken.id === "string") {
        out.bos = idOf(first.SpecialToken.id, c.special_tokens);
      }
      if (c.single.length > 1 && isRecord(last) && isRecord(last.SpecialToken) && typeof last.SpecialToken.id === "string") {
        out.eos = idOf(last.SpecialToken.id, c.special_tokens);
      }
    } else if ((c.type === "RobertaProcessing" || c.type === "BertProcessing") && Array.isArray(c.cls) && Array.isArray(c.sep)) {
      if (typeof c.cls[1] === "number") out.bos = c.cls[1];
      if (typeof c.sep[1] === "number") out.eos = c.sep[1];
    }
  }
  return out;
}

/** Builds a Vocabulary from a parsed tokenizer.json (`source` is the file named in errors). */
export function tokenizerJsonVocabulary(json: unknown, source: string): Vocabulary {
  const file = source;
  if (!isRecord(json)) throw new BadInputError(file, "tokenizer.json is not a JSON object");
  const model = json.model;
  if (!isRecord(model)) throw new BadInputError(file, "tokenizer.json has no model object");
  const notes: string[] = [];
  let type = typeof model.type === "string" ? model.type : undefined;
  if (type === undefined) {
    if (model.merges !== undefined) type = "BPE";
    else if (Array.isArray(model.vocab)) type = "Unigram";
    else if (model.continuing_subword_prefix !== undefined || model.max_input_chars_per_word !== undefined) type = "WordPiece";
    else type = "WordLevel";
    addNote(notes, `model.type missing; read as ${type}`);
  }
  const entries = readVocabField(model.vocab, file, type);
  const merges = type === "BPE" ? readMerges(model.merges, file) : undefined;
  const added = readAddedTokens(json.added_tokens, file);
  const tokens = placeTokens(entries.pairs, added, file, notes);

  const normalizers = components(json.normalizer);
  const pre = components(json.pre_tokenizer);
  const decoders = components(json.decoder);
  const all = [...normalizers, ...pre, ...decoders];
  const byteLevel = all.find((c) => c.type === "ByteLevel");
  const metaspace = all.find((c) => c.type === "Metaspace");
  const spaceMarker = metaspace && typeof metaspace.replacement === "string" ? metaspace.replacement : SPIECE_SPACE;
  const replacesSpace = all.some(
    (c) => (c.type === "Replace" && (c.content === spaceMarker || patternText(c.pattern) === spaceMarker)) || (c.type === "Prepend" && c.prepend === spaceMarker),
  );
  const byteFallback = model.byte_fallback === true;

  let kind: Vocabulary["kind"];
  if (type === "BPE") kind = byteLevel ? "bytelevel-bpe" : metaspace || replacesSpace || byteFallback ? "sentencepiece" : "bpe";
  else if (type === "Unigram") kind = "sentencepiece";
  else if (type === "WordPiece") kind = "wordpiece";
  else {
    kind = "unknown";
    addNote(notes, `model type ${type}: tokens read, no encoder`);
  }

  const v: Vocabulary = { kind, tokens, source: file };
  if (merges) v.merges = merges;
  if (entries.scores) {
    const scores = new Float32Array(tokens.length);
    for (const [id, s] of entries.scores) scores[id] = s;
    v.scores = scores;
  }
  if (added.length > 0) v.addedTokens = added;
  if (typeof model.continuing_subword_prefix === "string") v.continuingSubwordPrefix = model.continuing_subword_prefix;
  if (typeof model.end_of_word_suffix === "string") v.endOfWordSuffix = model.end_of_word_suffix;

  if (kind === "sentencepiece") {
    v.algorithm = type === "Unigram" ? "unigram" : "bpe";
    v.spaceMarker = spaceMarker;
    v.byteFallback = byteFallback;
    const prepend = normalizers.some((c) => c.type === "Prepend" && c.prepend === spaceMarker);
    let metaPrefix = false;
    if (metaspace) {
      const scheme = metaspace.prepend_scheme;
      metaPrefix = typeof scheme === "string" ? scheme !== "never" : metaspace.add_prefix_space !== false;
    }
    v.addSpacePrefix = prepend || metaPrefix;
    v.removeExtraWhitespaces = false;
  } else if (kind === "bytelevel-bpe" && byteLevel) {
    const bl = pre.find((c) => c.type === "ByteLevel") ?? byteLevel;
    v.addSpacePrefix = bl.add_prefix_space === true;
    const split = pre.some((c) => c.type === "Split");
    v.useRegex = bl.use_regex !== false || split;
    if (split) addNote(notes, "the Split pre-tokenizer's regex is approximated by the GPT-2 regex in encode");
  } else if (kind === "wordpiece") {
    if (v.continuingSubwordPrefix === undefined) v.continuingSubwordPrefix = "##";
    v.lowercase = normalizers.some((c) => c.type === "Lowercase" || (c.type === "BertNormalizer" && c.lowercase !== false));
  }
  const known = new Set(["Prepend", "Replace", "Lowercase", "BertNormalizer", "ByteLevel"]);
  for (const n of normalizers) {
    if (n.type === "NFC" || n.type === "NFD" || n.type === "NFKC" || n.type === "NFKD") v.normalization = n.type;
    else if (typeof n.type === "string" && !known.has(n.type)) addNote(notes, `normalizer ${n.type} is not applied by encode`);
  }

  // Special ids: the model's unk, the post-processor's template, else well-known names.
  if (typeof model.unk_token === "string") {
    const i = tokens.indexOf(model.unk_token);
    if (i >= 0) v.unk = i;
  } else if (typeof model.unk_id === "number" && Number.isInteger(model.unk_id) && model.unk_id >= 0 && model.unk_id < tokens.length) {
    v.unk = model.unk_id;
  }
  const pp = specialsFromPostProcessor(json.post_processor, tokens);
  const valid = (id: number | undefined): id is number => id !== undefined && Number.isInteger(id) && id >= 0 && id < tokens.length;
  if (valid(pp.bos)) {
    v.bos = pp.bos;
    v.addBos = true;
  } else {
    const guess = firstOf(tokens, BOS_NAMES);
    if (guess !== undefined) v.bos = guess;
    v.addBos = false;
  }
  const eos = valid(pp.eos) ? pp.eos : firstOf(tokens, EOS_NAMES);
  if (eos !== undefined) v.eos = eos;
  const pad = firstOf(tokens, PAD_NAMES);
  if (pad !== undefined) v.pad = pad;
  if (notes.length > 0) v.notes = notes;
  return v;
}

/** Reads a Hugging Face tokenizer.json file. */
export function readTokenizerJson(src: ByteSource): Vocabulary {
  return tokenizerJsonVocabulary(readJson(src, "tokenizer.json"), src.path);
}

/** Parses GPT-2 merges.txt: an optional "#version" line, then one "a b" merge per line. */
export function parseMergesTxt(text: string, file: string): string[] {
  const merges: string[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line === "" || (i === 0 && line.startsWith("#version"))) return;
    if (line.split(" ").length !== 2) throw new BadInputError(file, `line ${i + 1}: "${line.slice(0, 40)}" is not a merge "a b"`);
    merges.push(line);
  });
  return merges;
}

/** A GPT-2 style vocabulary from a parsed vocab.json (token -> id) and the text of merges.txt. */
export function vocabJsonVocabulary(vocabJson: unknown, mergesText: string | undefined, source: string, mergesSource = source): Vocabulary {
  if (!isRecord(vocabJson)) throw new BadInputError(source, "vocab.json is not a JSON object of token -> id");
  const notes: string[] = [];
  const entries = readVocabField(vocabJson, source, "BPE");
  const tokens = placeTokens(entries.pairs, [], source, notes);
  const v: Vocabulary = { kind: "bytelevel-bpe", tokens, source, addSpacePrefix: false, useRegex: true };
  if (mergesText !== undefined) v.merges = parseMergesTxt(mergesText, mergesSource);
  const eot = tokens.indexOf("<|endoftext|>");
  if (eot >= 0) {
    v.bos = eot;
    v.eos = eot;
    v.addedTokens = [{ id: eot, content: "<|endoftext|>", special: true }];
  }
  v.addBos = false;
  if (notes.length > 0) v.notes = notes;
  return v;
}

/** Reads GPT-2 style vocab.json (+ merges.txt). */
export function readVocabJson(vocab: ByteSource, merges?: ByteSource): Vocabulary {
  const json = readJson(vocab, "vocab.json");
  let text: string | undefined;
  if (merges) {
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(readAll(merges, "merges.txt"));
    } catch (e) {
      if (e instanceof BadInputError) throw e;
      throw new BadInputError(merges.path, "merges.txt is not valid UTF-8");
    }
  }
  return vocabJsonVocabulary(json, text, vocab.path, merges?.path);
}
