/**
 * @module formats/tokenizer/llama2c-tokenizer
 * llama2.c `tokenizer.bin` (karpathy/llama2.c tokenizer.py export, read by run.c build_tokenizer):
 * int32 max_token_length, then per token: f32 score, int32 byte length, bytes. Little-endian.
 * The vocabulary size is not in the file (run.c takes it from the checkpoint): without an expected
 * size the reader takes records until the end of the file.
 *
 * The exporter wrote SentencePiece pieces with "▁" replaced by " ", and BOS / EOS as "\n<s>\n" /
 * "\n</s>\n"; the pieces are kept as written, and those spellings are recognised for bos/eos/unk.
 */
import { BadInputError } from "../../errors.js";
import type { ByteSource } from "../../io/byte-source.js";
import { readAll } from "./read-all.js";
import { addNote, byteTokenValue, decodeUtf8Escaped, type Vocabulary } from "./vocabulary.js";

/** A token record is at least 8 bytes, so a file of `size` bytes holds at most (size - 4) / 8 tokens. */
const RECORD_MIN = 8;

export interface Llama2cTokenizerOptions {
  /** The checkpoint's vocab_size: read exactly this many tokens (run.c does). */
  vocabSize?: number;
}

export function readLlama2cTokenizer(src: ByteSource, options: Llama2cTokenizerOptions = {}): Vocabulary {
  const file = src.path;
  const bytes = readAll(src, "llama2.c tokenizer");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4) throw new BadInputError(file, `truncated: ${bytes.length} bytes, a llama2.c tokenizer starts with a 4-byte max_token_length`);
  const maxTokenLength = view.getInt32(0, true);
  if (maxTokenLength <= 0 || maxTokenLength > bytes.length) {
    throw new BadInputError(file, `max_token_length ${maxTokenLength} is impossible for a ${bytes.length}-byte llama2.c tokenizer`);
  }
  const expected = options.vocabSize;
  if (expected !== undefined) {
    if (!Number.isSafeInteger(expected) || expected <= 0) throw new BadInputError(file, `invalid expected vocabulary size ${expected}`);
    if (expected > (bytes.length - 4) / RECORD_MIN) {
      throw new BadInputError(file, `truncated: ${expected} tokens need at least ${4 + expected * RECORD_MIN} bytes, file has ${bytes.length}`);
    }
  }
  const notes: string[] = [];
  const tokens: string[] = [];
  const scores: number[] = [];
  let pos = 4;
  let longest = 0;
  while (expected === undefined ? pos < bytes.length : tokens.length < expected) {
    const i = tokens.length;
    if (pos + RECORD_MIN > bytes.length) {
      throw new BadInputError(file, `truncated: token ${i} header at byte ${pos} runs past the end (${bytes.length} bytes)`);
    }
    const score = view.getFloat32(pos, true);
    const len = view.getInt32(pos + 4, true);
    pos += RECORD_MIN;
    if (len < 0 || len > bytes.length - pos) {
      throw new BadInputError(file, `token ${i}: length ${len} at byte ${pos - 4} runs past the end (${bytes.length - pos} bytes left)`);
    }
    tokens.push(decodeUtf8Escaped(bytes.subarray(pos, pos + len)));
    scores.push(score);
    longest = Math.max(longest, len);
    pos += len;
  }
  if (tokens.length === 0) throw new BadInputError(file, "llama2.c tokenizer holds no tokens");
  if (pos < bytes.length) addNote(notes, `${bytes.length - pos} bytes after the ${tokens.length} expected tokens were ignored`);
  if (longest > maxTokenLength) {
    addNote(notes, `a token is ${longest} bytes long but max_token_length says ${maxTokenLength} (run.c would overflow its merge buffer)`);
  }

  const find = (...names: string[]): number | undefined => {
    for (const n of names) {
      const i = tokens.indexOf(n);
      if (i >= 0) return i;
    }
    return undefined;
  };
  const byteFallback = tokens.some((t) => byteTokenValue(t) !== undefined);
  const v: Vocabulary = {
    kind: "sentencepiece",
    tokens,
    scores: Float32Array.from(scores),
    source: file,
    algorithm: "bpe",
    spaceMarker: " ",
    byteFallback,
    // run.c always encodes with a dummy prefix and (for generation) a BOS token.
    addSpacePrefix: true,
    addBos: true,
  };
  const bos = find("\n<s>\n", "<s>");
  const eos = find("\n</s>\n", "</s>");
  const unk = find("<unk>");
  if (bos !== undefined) v.bos = bos;
  if (eos !== undefined) v.eos = eos;
  if (unk !== undefined) v.unk = unk;
  if (notes.length > 0) v.notes = notes;
  return v;
}
