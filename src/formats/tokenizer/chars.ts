/**
 * @module formats/tokenizer/chars
 * Character-level vocabularies (nanoGPT meta.pkl / makemore stoi-itos tables): token i is the
 * string itos[i], usually one character. Encode matches the longest token at each position (one
 * character for a plain table); decode concatenates.
 */
import { BadInputError } from "../../errors.js";
import { addNote, derived, type Vocabulary } from "./vocabulary.js";

/** A vocabulary from an itos table (id -> string). */
export function charVocabulary(itos: readonly string[], source = "<chars>"): Vocabulary {
  const notes: string[] = [];
  itos.forEach((s: unknown, i) => {
    if (typeof s !== "string") throw new BadInputError(source, `itos[${i}] is not a string`);
  });
  if (new Set(itos).size !== itos.length) addNote(notes, "itos holds the same string more than once; encode uses the first");
  const v: Vocabulary = { kind: "chars", tokens: itos.slice(), source };
  if (notes.length > 0) v.notes = notes;
  return v;
}

const longest = new WeakMap<Vocabulary, number>();

/** Token ids of `text`: longest match at each position; a character not in the table is an error (or <unk>). */
export function encodeChars(v: Vocabulary, text: string): number[] {
  const { index } = derived(v);
  let maxLen = longest.get(v);
  if (maxLen === undefined) {
    maxLen = 1;
    for (const t of v.tokens) maxLen = Math.max(maxLen, Array.from(t).length);
    longest.set(v, maxLen);
  }
  const chars = Array.from(text);
  const out: number[] = [];
  for (let i = 0; i < chars.length; ) {
    let found = -1;
    let len = 0;
    if (maxLen === 1) {
      found = index.get(chars[i] ?? "") ?? -1;
      len = 1;
    } else {
      for (let l = Math.min(maxLen, chars.length - i); l >= 1; l--) {
        const id = index.get(chars.slice(i, i + l).join(""));
        if (id !== undefined) {
          found = id;
          len = l;
          break;
        }
      }
    }
    if (found < 0) {
      if (v.unk === undefined) throw new BadInputError(v.source, `cannot encode ${JSON.stringify(chars[i])}: not in the character vocabulary`);
      found = v.unk;
      len = 1;
    }
    out.push(found);
    i += len;
  }
  return out;
}

export function decodeChars(v: Vocabulary, ids: readonly number[]): string {
  let out = "";
  for (const id of ids) {
    const t = v.tokens[id];
    if (!Number.isInteger(id) || t === undefined) throw new BadInputError(v.source, `token id ${id} is outside the vocabulary (0..${v.tokens.length - 1})`);
    out += t;
  }
  return out;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** An id -> string table from an `itos` (list or {id: str}) or a `stoi` ({str: id}); undefined if neither fits. */
export function itosTable(itos: unknown, stoi: unknown): string[] | undefined {
  const fromPairs = (pairs: Array<[number, unknown]>): string[] | undefined => {
    const out: string[] = [];
    for (const [id, s] of pairs) {
      if (!Number.isInteger(id) || id < 0 || id >= pairs.length || typeof s !== "string" || out[id] !== undefined) return undefined;
      out[id] = s;
    }
    return out.length === pairs.length && pairs.length > 0 ? out : undefined;
  };
  if (Array.isArray(itos)) return fromPairs(itos.map((s, i) => [i, s]));
  if (isObject(itos)) {
    const t = fromPairs(Object.entries(itos).map(([k, s]) => [/^\d+$/.test(k) ? Number(k) : NaN, s]));
    if (t) return t;
  }
  if (isObject(stoi)) return fromPairs(Object.entries(stoi).map(([s, id]) => [typeof id === "number" ? id : NaN, s]));
  return undefined;
}
