/**
 * @module formats/tokenizer/decode
 * decode(vocab, ids) for every vocabulary kind. SentencePiece follows run.c (space marker -> " ",
 * the space after BOS dropped, <0xXX> -> raw bytes, then UTF-8); byte-level BPE undoes the byte
 * map; special tokens are left out unless `skipSpecial: false`.
 */
import { decodeByteLevel } from "./bytelevel-bpe.js";
import { decodeChars } from "./chars.js";
import { decodeSentencePiece } from "./sentencepiece-bpe.js";
import { isSpecialToken, type Vocabulary } from "./vocabulary.js";
import { decodeWordBased } from "./wordpiece.js";
import { BadInputError } from "../../errors.js";

export interface DecodeOptions {
  /** Leave out BOS/EOS/PAD, control and special added tokens (default true). */
  skipSpecial?: boolean;
  /** SentencePiece only: which leading space to drop ("after-bos", run.c's rule, by default). */
  stripLeadingSpace?: "after-bos" | "first" | "none";
}

/** The text of `ids`. */
export function decode(v: Vocabulary, ids: readonly number[], options: DecodeOptions = {}): string {
  switch (v.kind) {
    case "sentencepiece":
      return decodeSentencePiece(v, ids, options);
    case "bytelevel-bpe":
      return decodeByteLevel(v, ids, options);
    case "wordpiece":
    case "bpe":
      return decodeWordBased(v, ids, options);
    case "chars":
      return decodeChars(v, ids);
    default: {
      // Unknown models: the token strings, concatenated.
      let out = "";
      for (const id of ids) {
        const t = v.tokens[id];
        if (!Number.isInteger(id) || t === undefined) throw new BadInputError(v.source, `token id ${id} is outside the vocabulary (0..${v.tokens.length - 1})`);
        if (!((options.skipSpecial ?? true) && isSpecialToken(v, id))) out += t;
      }
      return out;
    }
  }
}
