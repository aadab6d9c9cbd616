/**
 * @module formats/tokenizer/encode
 * encode(vocab, text) for every vocabulary kind: SentencePiece (run.c-style BPE, Unigram),
 * byte-level BPE (GPT-2), WordPiece and plain BPE (approximate), character tables.
 */
import { UnsupportedError } from "../../errors.js";
import { encodeByteLevel } from "./bytelevel-bpe.js";
import { encodeChars } from "./chars.js";
import { encodeSentencePiece } from "./sentencepiece-bpe.js";
import type { Vocabulary } from "./vocabulary.js";
import { encodePlainBpe, encodeWordPiece } from "./wordpiece.js";

export interface EncodeOptions {
  /** Put BOS first (default: the vocabulary's addBos, else false). */
  bos?: boolean;
  /** Put EOS last (default false). */
  eos?: boolean;
}

function special(v: Vocabulary, id: number | undefined, what: string): number {
  if (id === undefined) throw new UnsupportedError(v.source, `the vocabulary has no ${what} token`);
  return id;
}

/** Token ids of `text`. */
export function encode(v: Vocabulary, input: string, options: EncodeOptions = {}): number[] {
  const text = v.normalization ? input.normalize(v.normalization) : input;
  let body: number[];
  switch (v.kind) {
    case "sentencepiece":
      body = encodeSentencePiece(v, text);
      break;
    case "bytelevel-bpe":
      body = encodeByteLevel(v, text);
      break;
    case "wordpiece":
      body = encodeWordPiece(v, text);
      break;
    case "bpe":
      body = encodePlainBpe(v, text);
      break;
    case "chars":
      body = encodeChars(v, text);
      break;
    default:
      throw new UnsupportedError(v.source, "no encoder for this kind of vocabulary");
  }
  const out: number[] = [];
  if (options.bos ?? v.addBos ?? false) out.push(special(v, v.bos, "BOS"));
  for (const id of body) out.push(id);
  if (options.eos) out.push(special(v, v.eos, "EOS"));
  return out;
}
