/**
 * @module formats/tokens
 * Find a model's vocabulary wherever it is kept — GGUF metadata, tokenizer.json, tokenizer.model,
 * vocab.json + merges.txt, llama2.c tokenizer.bin, a checkpoint's itos table — and attach its token
 * strings (and their canonical surface texts, for aligning vocabularies across models).
 */
import { basename } from "node:path";
import { BadInputError } from "../errors.js";
import { FileSource, type ByteSource } from "../io/byte-source.js";
import type { Folder } from "../io/folder.js";
import type { TokenList, WeightSet } from "../model/weight-set.js";
import { readLlama2cTokenizer } from "./tokenizer/llama2c-tokenizer.js";
import { readSentencePieceModel } from "./tokenizer/sentencepiece-model.js";
import { readTokenizerJson, readVocabJson } from "./tokenizer/tokenizer-json.js";
import { canonicalTokenTexts, type Vocabulary } from "./tokenizer/vocabulary.js";

const vocabularies = new WeakMap<TokenList, Vocabulary>();

export function tokenListOf(v: Vocabulary): TokenList {
  const list: TokenList = { kind: v.kind, tokens: v.tokens, texts: canonicalTokenTexts(v), source: v.source };
  vocabularies.set(list, v);
  return list;
}

/** The full vocabulary (scores, merges, specials) behind a token list, for encoding and decoding. */
export function vocabularyOf(list: TokenList | undefined): Vocabulary | undefined {
  return list ? vocabularies.get(list) : undefined;
}

function withSource<T>(file: string | ByteSource, read: (src: ByteSource) => T): T {
  const src = typeof file === "string" ? new FileSource(file) : file;
  try {
    return read(src);
  } finally {
    src.close();
  }
}

/** The tokenizer file of a folder, if any, read as a vocabulary. */
function folderVocabulary(folder: Folder, vocabSize: number | undefined): Vocabulary | undefined {
  const names = folder.names();
  const has = (n: string) => names.includes(n);
  const p = (n: string) => folder.open(n);
  if (has("tokenizer.json")) return withSource(p("tokenizer.json"), readTokenizerJson);
  if (has("tokenizer.model")) return withSource(p("tokenizer.model"), readSentencePieceModel);
  if (has("vocab.json")) {
    return withSource(p("vocab.json"), (v) => (has("merges.txt") ? withSource(p("merges.txt"), (m) => readVocabJson(v, m)) : readVocabJson(v)));
  }
  if (has("tokenizer.bin")) return withSource(p("tokenizer.bin"), (s) => readLlama2cTokenizer(s, { vocabSize }));
  // llama2.c custom vocabularies are named tok<N>.bin / tok<N>.model: take the one whose size fits.
  if (vocabSize === undefined) return undefined;
  const name = names.filter((n) => new RegExp(`^tok${vocabSize}\\.(bin|model)$`).test(n))[0];
  if (name === undefined) return undefined;
  return name.endsWith(".bin") ? withSource(p(name), (s) => readLlama2cTokenizer(s, { vocabSize })) : withSource(p(name), readSentencePieceModel);
}

/**
 * A tokenizer named by the user for a model that has none of its own (a llama2.c checkpoint without
 * an embedded vocabulary, run with `--tokenizer tok512.bin`): tokenizer.json, vocab.json, a
 * SentencePiece .model, or a llama2.c tokenizer .bin (read as the model's `vocabSize` tokens, as
 * run.c does). A vocabulary of another size than the model's is refused, naming the file.
 */
export function readTokenizerFile(path: string, vocabSize: number): TokenList {
  const name = basename(path).toLowerCase();
  const v = name.endsWith(".json")
    ? withSource(path, (s) => (name === "vocab.json" ? readVocabJson(s) : readTokenizerJson(s)))
    : name.endsWith(".model")
      ? withSource(path, readSentencePieceModel)
      : withSource(path, (s) => readLlama2cTokenizer(s, { vocabSize }));
  if (v.tokens.length !== vocabSize) throw new BadInputError(path, `the tokenizer has ${v.tokens.length} tokens, the model's vocabulary ${vocabSize}: not this model's tokenizer`);
  return tokenListOf(v);
}

/** Attach the vocabulary found beside the weights (unless the container already carried one). */
export function attachTokens(ws: WeightSet, folder: Folder): void {
  if (ws.tokens) return;
  const v = folderVocabulary(folder, ws.params.vocab);
  if (v) ws.tokens = tokenListOf(v);
}
