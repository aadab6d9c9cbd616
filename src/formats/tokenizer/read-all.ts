/**
 * @module formats/tokenizer/read-all
 * Tokenizer files are small (a 256k-token tokenizer.json is ~30 MB), so readers take the whole
 * file at once — after checking it against a cap, so a huge or mislabelled file fails fast.
 */
import { BadInputError } from "../../errors.js";
import { MAX_READ_BYTES, type ByteSource } from "../../io/byte-source.js";
import { jsonDepth, MAX_JSON_DEPTH } from "../json-keys.js";

/** The largest tokenizer file read whole. */
export const MAX_TOKENIZER_BYTES = Math.min(MAX_READ_BYTES, 512 * 1024 * 1024);

export function readAll(src: ByteSource, what: string, max = MAX_TOKENIZER_BYTES): Uint8Array {
  if (src.size > max) throw new BadInputError(src.path, `${src.size} bytes is too large for a ${what} (limit ${max})`);
  return src.read(0, src.size);
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The file parsed as JSON (UTF-8, optional BOM); anything else is a BadInputError. */
/**
 * The largest JSON tokenizer file (tokenizer.json, vocab.json) read: the largest real ones are
 * ~35 MB, and parsing costs ~10x the file in memory.
 */
export const MAX_TOKENIZER_JSON_BYTES = 64 << 20;

export function readJson(src: ByteSource, what: string): unknown {
  const bytes = readAll(src, what, MAX_TOKENIZER_JSON_BYTES);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new BadInputError(src.path, `${what} is not valid UTF-8`);
  }
  const depth = jsonDepth(text);
  if (depth > MAX_JSON_DEPTH) throw new BadInputError(src.path, `${what} is nested ${depth} deep (limit ${MAX_JSON_DEPTH})`);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new BadInputError(src.path, `${what} is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}
