import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { sharedPath } from "../../test-support/shared.js";
import { parseGguf, plainMetadata } from "../../formats/gguf/parse.js";
import { FileSource, MemorySource } from "../../io/byte-source.js";
import { BadInputError } from "../../errors.js";
import {
  canonicalTokenText,
  charVocabulary,
  decode,
  decodeUtf8Escaped,
  encode,
  encodeUtf8Escaped,
  ggufVocabulary,
  parseSentencePieceModel,
  readLlama2cTokenizer,
  readSentencePieceModel,
  readTokenizerJson,
  readVocabJson,
  tokenizerJsonVocabulary,
  type Vocabulary,
} from "./index.js";

const TOK512 = sharedPath("models", "stories260K", "tok512.bin");
const GGUF260K = sharedPath("models", "stories260K", "stories260K.gguf");
const TOK105 = sharedPath("models", "babyllama-en10", "tok105.model");
const DEV = sharedPath("dev-families");

const tok512 = (): Vocabulary => readLlama2cTokenizer(new FileSource(TOK512));
const ggufVocab = (p: string): Vocabulary => ggufVocabulary(plainMetadata(parseGguf(new FileSource(p)).metadata), p);
const hfJson = (model: string): Vocabulary => readTokenizerJson(new FileSource(join(DEV, model, "tokenizer.json")));

const SENTENCES = [
  "Once upon a time",
  "Once upon a time, there was a little girl named Lily. She loved to play outside in the park.",
  "The cat sat on the mat.\nThen it slept!",
  "\"Hello,\" said Tom. 'Let's go!'",
  "numbers 12345 and symbols #$%&*",
  "naïve café — 日本語 🙂",
  "a",
  "  leading and trailing spaces  ",
];

/** Asserts `fn` throws a BadInputError naming `file` (a hang fails the test by its timeout). */
function rejects(fn: () => unknown, file: string, pattern?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof BadInputError, `expected BadInputError, got ${String(e)}`);
    assert.equal(e.file, file);
    if (pattern) assert.match(e.message, pattern);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// An independent port of llama2.c run.c encode(): quadratic scan, byte fallback at byte + 3.
// ---------------------------------------------------------------------------------------------
function runcEncode(v: Vocabulary, text: string, bos: boolean): number[] {
  const scores = v.scores ?? new Float32Array(v.tokens.length);
  const lookup = new Map<string, number>();
  v.tokens.forEach((t, i) => {
    if (!lookup.has(t)) lookup.set(t, i);
  });
  const tokens: number[] = [];
  if (bos) tokens.push(1);
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length > 0) tokens.push(lookup.get(" ") ?? -1);
  let buf: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i] ?? 0;
    if ((c & 0xc0) !== 0x80) buf = [];
    buf.push(c);
    if (((bytes[i + 1] ?? 0) & 0xc0) === 0x80 && buf.length < 4) continue;
    const id = lookup.get(Buffer.from(buf).toString("utf8"));
    if (id !== undefined) tokens.push(id);
    else for (const b of buf) tokens.push(b + 3);
    buf = [];
  }
  while (true) {
    let bestScore = -1e10;
    let bestId = -1;
    let bestIdx = -1;
    for (let i = 0; i < tokens.length - 1; i++) {
      const id = lookup.get(`${v.tokens[tokens[i] ?? 0]}${v.tokens[tokens[i + 1] ?? 0]}`);
      if (id !== undefined && (scores[id] ?? 0) > bestScore) {
        bestScore = scores[id] ?? 0;
        bestId = id;
        bestIdx = i;
      }
    }
    if (bestIdx === -1) break;
    tokens.splice(bestIdx, 2, bestId);
  }
  return tokens;
}

/** A small deterministic generator of TinyStories-like text with the odd unusual character. */
function* sampleTexts(n: number): Generator<string> {
  let s = 12345;
  const rnd = (k: number): number => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s % k;
  };
  const words = ["the", "a", "little", "girl", "named", "Lily", "she", "loved", "to", "play", "outside", "park", "One", "day", "saw", "big", "red", "ball", "wanted", "with", "it", "but", "was", "too", "high", "Tom", "happy", "friends"];
  const punct = [" ", " ", " ", ", ", ". ", "! ", "\n", "  ", " \"", "'s "];
  const odd = ["é", "ß", "日", "🙂", "\t", "~", "€", "Ω"];
  for (let k = 0; k < n; k++) {
    let t = "";
    const len = 1 + rnd(25);
    for (let i = 0; i < len; i++) {
      t += rnd(15) === 0 ? (odd[rnd(odd.length)] ?? "") : (words[rnd(words.length)] ?? "");
      t += punct[rnd(punct.length)] ?? " ";
    }
    yield t;
  }
}

// ---------------------------------------------------------------------------------------------
// Readers on real files
// ---------------------------------------------------------------------------------------------

test("llama2.c tok512.bin: 512 pieces, scores, BOS/EOS spellings", () => {
  const v = tok512();
  assert.equal(v.kind, "sentencepiece");
  assert.equal(v.tokens.length, 512);
  assert.equal(v.scores?.length, 512);
  assert.equal(v.tokens[0], "<unk>");
  assert.equal(v.tokens[1], "\n<s>\n");
  assert.equal(v.tokens[2], "\n</s>\n");
  assert.equal(v.tokens[3], "<0x00>");
  assert.equal(v.tokens[258], "<0xFF>");
  assert.equal(v.tokens[259], " t");
  assert.deepEqual([v.unk, v.bos, v.eos], [0, 1, 2]);
  assert.equal(v.byteFallback, true);
  assert.equal(v.spaceMarker, " ");
  assert.equal(v.scores?.[260], -1);
  assert.equal(canonicalTokenText(v, 1), "<s>");
  assert.equal(canonicalTokenText(v, 3 + 0x0a), "\n");
  assert.equal(v.notes, undefined);
  // An expected size reads exactly that many tokens and notes the rest.
  const part = readLlama2cTokenizer(new FileSource(TOK512), { vocabSize: 300 });
  assert.equal(part.tokens.length, 300);
  assert.ok(part.notes?.some((n) => n.includes("ignored")));
  rejects(() => readLlama2cTokenizer(new FileSource(TOK512), { vocabSize: 513 }), TOK512, /truncated|past the end/);
});

test("stories260K.gguf has the same vocabulary as tok512.bin, token by token", () => {
  const a = tok512();
  const g = ggufVocab(GGUF260K);
  assert.equal(g.kind, "sentencepiece");
  assert.equal(g.tokens.length, 512);
  assert.deepEqual([g.unk, g.bos, g.eos, g.pad], [0, 1, 2, undefined]);
  assert.equal(g.types?.filter((t) => t === 6).length, 256);
  assert.equal(g.tokens[259], "▁t");
  for (let i = 0; i < 512; i++) assert.equal(canonicalTokenText(g, i), canonicalTokenText(a, i), `token ${i}`);
  // The same file quantized (S-q8) carries the same vocabulary.
  const q = ggufVocab(join(DEV, "S-q8", "S-q8.gguf"));
  for (let i = 0; i < 512; i++) assert.equal(canonicalTokenText(q, i), canonicalTokenText(a, i), `S-q8 token ${i}`);
});

test("SentencePiece tok105.model: 105 pieces, BPE, special ids, normalizer", () => {
  const v = readSentencePieceModel(new FileSource(TOK105));
  assert.equal(v.kind, "sentencepiece");
  assert.equal(v.tokens.length, 105);
  assert.equal(v.algorithm, "bpe");
  assert.deepEqual(v.tokens.slice(0, 5), ["<unk>", "<s>", "</s>", "▁", "e"]);
  assert.deepEqual(Array.from(v.types?.slice(0, 4) ?? []), [2, 3, 3, 1]);
  assert.deepEqual([v.unk, v.bos, v.eos, v.pad], [0, 1, 2, undefined]);
  assert.equal(v.byteFallback, false);
  assert.equal(v.addSpacePrefix, true);
  assert.equal(v.scores?.[4], -1);
  // Scores fall with the piece index after the specials.
  for (let i = 4; i < 105; i++) assert.ok((v.scores?.[i] ?? 0) <= (v.scores?.[i - 1] ?? 0));
  assert.equal(canonicalTokenText(v, 3), " ");
  assert.equal(canonicalTokenText(v, 1), "<s>");
});

test("dev-families tokenizer.json: byte-level for byte models, sentencepiece-style for S-ft", () => {
  const dirs = readdirSync(DEV).filter((d) => existsSync(join(DEV, d, "tokenizer.json")));
  assert.ok(dirs.length >= 20);
  for (const d of dirs) {
    const v = hfJson(d);
    if (d === "S-ft") {
      assert.equal(v.kind, "sentencepiece");
      assert.equal(v.tokens.length, 512);
      assert.equal(v.merges?.length, 165);
      assert.deepEqual([v.unk, v.bos, v.eos], [0, 1, 2]);
      assert.equal(v.addBos, true);
      assert.equal(v.addSpacePrefix, true);
      assert.equal(v.byteFallback, true);
      continue;
    }
    assert.equal(v.kind, "bytelevel-bpe", d);
    assert.equal(v.tokens.length, d === "A-vocab" ? 320 : 256, d);
    assert.equal(v.useRegex, false, d);
    for (let i = 0; i < 256; i++) assert.equal(canonicalTokenText(v, i), decodeUtf8Escaped(Uint8Array.of(i)), `${d} token ${i}`);
  }
});

test("S-ft tokenizer.json and S/tokenizer.bin agree on all 512 canonical texts", () => {
  const hf = hfJson("S-ft");
  const bin = readLlama2cTokenizer(new FileSource(join(DEV, "S", "tokenizer.bin")));
  assert.equal(bin.tokens.length, 512);
  for (let i = 0; i < 512; i++) assert.equal(canonicalTokenText(hf, i), canonicalTokenText(bin, i), `token ${i}`);
});

test("A-vocab extends A: first 256 canonical texts equal, 64 merged tokens after", () => {
  const a = hfJson("A");
  const av = hfJson("A-vocab");
  assert.equal(av.merges?.length, 64);
  for (let i = 0; i < 256; i++) assert.equal(canonicalTokenText(av, i), canonicalTokenText(a, i));
  assert.equal(canonicalTokenText(av, 256), "  ");
  // Every appended token is the concatenation of its merge.
  for (const [r, m] of (av.merges ?? []).entries()) {
    const [x, y] = m.split(" ");
    assert.ok(av.tokens.includes(`${x}${y}`), `merge ${r} "${m}" has no token`);
  }
  // The GGUF export of A (gpt2 model) carries the same 256 byte tokens.
  const g = ggufVocab(join(DEV, "A-q8", "A-q8.gguf"));
  assert.equal(g.kind, "bytelevel-bpe");
  for (let i = 0; i < 256; i++) assert.equal(canonicalTokenText(g, i), canonicalTokenText(a, i));
});

test("canonical text: byte tokens, ▁ and Ġ meet on the same form", () => {
  const sp: Vocabulary = { kind: "sentencepiece", tokens: ["<0xC3>", "▁the", "<0x20>"], source: "sp" };
  const bl: Vocabulary = { kind: "bytelevel-bpe", tokens: ["Ã", "Ġthe", "Ġ"], source: "bl" };
  for (let i = 0; i < 3; i++) assert.equal(canonicalTokenText(sp, i), canonicalTokenText(bl, i));
  assert.equal(canonicalTokenText(sp, 0), "\udcc3");
  assert.deepEqual(Array.from(encodeUtf8Escaped(canonicalTokenText(bl, 0))), [0xc3]);
  assert.equal(canonicalTokenText(bl, 1), " the");
  const wp: Vocabulary = { kind: "wordpiece", tokens: ["##ing"], source: "wp" };
  assert.equal(canonicalTokenText(wp, 0), "##ing");
  assert.throws(() => canonicalTokenText(sp, 3), BadInputError);
  // The escape is lossless for any byte string.
  const bytes = Uint8Array.from([0x41, 0xe6, 0x97, 0xa5, 0xe6, 0x97, 0x80, 0xff, 0xc3]);
  assert.deepEqual(Array.from(encodeUtf8Escaped(decodeUtf8Escaped(bytes))), Array.from(bytes));
});

// ---------------------------------------------------------------------------------------------
// SentencePiece encode / decode
// ---------------------------------------------------------------------------------------------

test('encode("Once upon a time") with tok512.bin gives what llama2.c gives', () => {
  const v = tok512();
  const ids = encode(v, "Once upon a time", { bos: true });
  assert.deepEqual(ids, runcEncode(v, "Once upon a time", true));
  assert.equal(ids[0], 1);
  // Independently: the pieces spell " Once upon a time", each one a vocab piece.
  assert.equal(ids.slice(1).map((i) => v.tokens[i]).join(""), " Once upon a time");
  assert.deepEqual(ids.slice(1).map((i) => v.tokens[i]), [" Once", " upon", " a", " time"]);
  assert.equal(decode(v, ids), "Once upon a time");
});

test("tok512 encode: round trips, pieces spell the text, no pair left to merge", () => {
  const v = tok512();
  const lookup = new Set(v.tokens);
  for (const s of SENTENCES) {
    const ids = encode(v, s, { bos: true });
    assert.equal(ids[0], 1);
    assert.equal(decode(v, ids), s, JSON.stringify(s));
    const body = ids.slice(1);
    const bytes = Buffer.concat(body.map((i) => {
      const t = v.tokens[i] ?? "";
      const m = /^<0x([0-9A-F]{2})>$/.exec(t);
      return m?.[1] ? Buffer.from([parseInt(m[1], 16)]) : Buffer.from(t, "utf8");
    }));
    assert.equal(bytes.toString("utf8"), ` ${s}`);
    for (let i = 0; i + 1 < body.length; i++) {
      const pair = `${v.tokens[body[i] ?? 0]}${v.tokens[body[i + 1] ?? 0]}`;
      assert.ok(!lookup.has(pair), `"${pair}" could still be merged in ${JSON.stringify(s)}`);
    }
    assert.deepEqual(ids, runcEncode(v, s, true), JSON.stringify(s));
  }
  assert.deepEqual(encode(v, "", { bos: true }), [1]);
  assert.deepEqual(encode(v, "", { bos: false }), []);
  assert.deepEqual(encode(v, "hi", { bos: false, eos: true }).at(-1), 2);
});

test("heap merge equals run.c's quadratic scan on 300 generated texts", () => {
  const v = tok512();
  for (const s of sampleTexts(300)) assert.deepEqual(encode(v, s, { bos: true }), runcEncode(v, s, true), JSON.stringify(s));
});

test("greedy merge picks the highest-scoring pair first", () => {
  // "abc": "ab" scores -5, "bc" scores -1 -> "a" + "bc"; with the scores swapped -> "ab" + "c".
  const mk = (ab: number, bc: number): Vocabulary => ({
    kind: "sentencepiece", tokens: ["<unk>", "<s>", "</s>", "▁", "a", "b", "c", "ab", "bc"],
    scores: Float32Array.from([0, 0, 0, -9, -9, -9, -9, ab, bc]), source: "mem", spaceMarker: "▁", addSpacePrefix: false, unk: 0, bos: 1, eos: 2,
  });
  assert.deepEqual(encode(mk(-5, -1), "abc"), [4, 8]);
  assert.deepEqual(encode(mk(-1, -5), "abc"), [7, 6]);
  // Equal scores: leftmost first.
  assert.deepEqual(encode(mk(-1, -1), "abc"), [7, 6]);
  // Missing character without byte tokens -> <unk>.
  assert.deepEqual(encode(mk(-1, -1), "axc"), [4, 0, 6]);
});

test("byte fallback and decode of raw bytes", () => {
  const v = tok512();
  const ids = encode(v, "日", { bos: true });
  // 日 = E6 97 A5, spelled with the <0x..> tokens (found by string, here at byte + 3).
  assert.deepEqual(ids, [1, v.tokens.indexOf(" "), 0xe6 + 3, 0x97 + 3, 0xa5 + 3]);
  assert.equal(decode(v, ids), "日");
  // run.c strips the leading space only right after BOS.
  assert.equal(decode(v, ids.slice(1)), " 日");
  assert.equal(decode(v, ids.slice(1), { stripLeadingSpace: "first" }), "日");
  assert.equal(decode(v, [1, 403, 2], { skipSpecial: false }), "\n<s>\nOnce\n</s>\n");
});

test("S-ft tokenizer.json (merge ranks) and stories260K.gguf (scores) encode like tok512.bin", () => {
  const bin = tok512();
  const hf = hfJson("S-ft");
  const g = ggufVocab(GGUF260K);
  for (const s of [...SENTENCES.slice(0, 5), ...sampleTexts(100)]) {
    const want = encode(bin, s, { bos: true });
    assert.deepEqual(encode(hf, s, { bos: true }), want, `tokenizer.json: ${JSON.stringify(s)}`);
    assert.deepEqual(encode(g, s, { bos: true }), want, `gguf: ${JSON.stringify(s)}`);
    assert.equal(decode(hf, want), s);
    assert.equal(decode(g, want), s);
  }
});

test("tok105.model encodes and decodes", () => {
  const v = readSentencePieceModel(new FileSource(TOK105));
  for (const s of [SENTENCES[0] ?? "", SENTENCES[1] ?? "", SENTENCES[3] ?? ""]) {
    const ids = encode(v, s, { bos: true });
    assert.equal(ids[0], 1);
    assert.equal(decode(v, ids), s);
  }
  // No byte tokens: an unknown character becomes <unk>.
  const ids = encode(v, "a日b");
  assert.ok(ids.includes(0));
});

test("Unigram (tokenizer.json): Viterbi picks the best segmentation", () => {
  const json = {
    model: {
      type: "Unigram", unk_id: 0, byte_fallback: false,
      vocab: [["<unk>", 0], ["▁", -2], ["▁a", -3], ["b", -2], ["▁ab", -4], ["a", -2], ["c", -2], ["bc", -1]],
    },
    pre_tokenizer: { type: "Metaspace", replacement: "▁", prepend_scheme: "always", split: true },
    decoder: { type: "Metaspace", replacement: "▁", prepend_scheme: "always", split: true },
  };
  const v = tokenizerJsonVocabulary(json, "uni.json");
  assert.equal(v.kind, "sentencepiece");
  assert.equal(v.algorithm, "unigram");
  // "▁abc": ▁a + bc = -4 beats ▁ab + c = -6 and ▁ + a + bc = -5.
  assert.deepEqual(encode(v, "abc"), [2, 7]);
  assert.equal(decode(v, encode(v, "abc"), { stripLeadingSpace: "first" }), "abc");
  // Unknown characters are fused into one <unk>.
  assert.deepEqual(encode(v, "a xy"), [2, 1, 0]);
});

// ---------------------------------------------------------------------------------------------
// Byte-level BPE
// ---------------------------------------------------------------------------------------------

test("byte-level: A encodes byte by byte, A-vocab applies its merges", () => {
  const a = hfJson("A");
  const s = "def foo(self):\n        return  x.y  # héllo ✓";
  assert.deepEqual(encode(a, s), Array.from(Buffer.from(s, "utf8")));
  assert.equal(decode(a, encode(a, s)), s);
  const av = hfJson("A-vocab");
  const rank = new Map((av.merges ?? []).map((m, r) => [m, r]));
  for (const t of [s, "class X:\n    def __init__(self, a):\n        self.a = a\n", ...sampleTexts(50)]) {
    const ids = encode(av, t);
    assert.equal(decode(av, ids), t);
    assert.ok(ids.length <= Buffer.byteLength(t));
    for (let i = 0; i + 1 < ids.length; i++) {
      const m = `${av.tokens[ids[i] ?? 0]} ${av.tokens[ids[i + 1] ?? 0]}`;
      assert.ok(!rank.has(m), `merge "${m}" was left unapplied`);
    }
  }
  assert.ok(encode(av, "        self.x").some((id) => id >= 256));
});

test("byte-level: vocab.json + merges.txt with the GPT-2 regex", () => {
  const b2u = (s: string): string => Array.from(Buffer.from(s, "utf8"), (b) => {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    return printable ? String.fromCharCode(b) : b === 0x20 ? "Ġ" : "?";
  }).join("");
  const base = Array.from("Helowrd!Ġ'st");
  const merged = ["He", "ll", "llo", "Hello", "Ġw", "or", "Ġwor", "Ġworld", "'s"];
  const vocab: Record<string, number> = {};
  [...base, ...merged, "<|endoftext|>"].forEach((t, i) => (vocab[t] = i));
  const merges = "#version: 0.2\nH e\nl l\nll o\nHe llo\nĠ w\no r\nĠw or\nĠwor l\nĠworl d\n' s\n";
  vocab["Ġworl"] = Object.keys(vocab).length;
  const v = readVocabJson(
    new MemorySource(Buffer.from(JSON.stringify(vocab)), "vocab.json"),
    new MemorySource(Buffer.from(merges), "merges.txt"),
  );
  assert.equal(v.kind, "bytelevel-bpe");
  assert.equal(v.merges?.length, 10);
  assert.equal(v.eos, vocab["<|endoftext|>"]);
  const ids = encode(v, "Hello world's");
  assert.deepEqual(ids.map((i) => v.tokens[i]), ["Hello", "Ġworld", "'s"]);
  assert.equal(b2u(" world"), "Ġworld");
  assert.equal(decode(v, ids), "Hello world's");
  // Added special tokens are matched whole and skipped by decode unless asked for.
  const withEot = encode(v, "Hello<|endoftext|>Hello");
  assert.deepEqual(withEot.map((i) => v.tokens[i]), ["Hello", "<|endoftext|>", "Hello"]);
  assert.equal(decode(v, withEot), "HelloHello");
  assert.equal(decode(v, withEot, { skipSpecial: false }), "Hello<|endoftext|>Hello");
  assert.equal(canonicalTokenText(v, vocab["Ġworld"] ?? -1), " world");
});

test("byte-level tokenizer.json: NFC normalizer applied, Split regex noted", () => {
  const vocab: Record<string, number> = {};
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    vocab[printable ? String.fromCharCode(b) : "?"] = b;
  }
  const v = tokenizerJsonVocabulary({
    normalizer: { type: "NFC" },
    pre_tokenizer: { type: "Sequence", pretokenizers: [{ type: "Split", pattern: { Regex: "\\p{L}+" } }, { type: "ByteLevel", add_prefix_space: false, use_regex: false }] },
    decoder: { type: "ByteLevel" },
    model: { type: "BPE", vocab, merges: [] },
  }, "nfc.json");
  assert.equal(v.kind, "bytelevel-bpe");
  assert.equal(v.normalization, "NFC");
  assert.equal(v.useRegex, true);
  assert.ok(v.notes?.some((n) => n.includes("Split")));
  assert.deepEqual(encode(v, "e\u0301"), encode(v, "\u00e9"));
});

test("encode of a long text (heap merge) round-trips", { timeout: 120_000 }, () => {
  const v = tok512();
  const text = Array.from(sampleTexts(2000)).join(" ");
  const ids = encode(v, text, { bos: true });
  assert.equal(decode(v, ids), text);
});

// ---------------------------------------------------------------------------------------------
// Characters and WordPiece
// ---------------------------------------------------------------------------------------------

test("character vocabulary (nanoGPT / makemore itos)", () => {
  const itos = ["\n", " ", "!", ".", "a", "b", "c", "h", "i", "é"];
  const v = charVocabulary(itos, "meta.pkl");
  assert.equal(v.kind, "chars");
  const ids = encode(v, "hi abc!\né.");
  assert.deepEqual(ids, [7, 8, 1, 4, 5, 6, 2, 0, 9, 3]);
  assert.equal(decode(v, ids), "hi abc!\né.");
  assert.equal(canonicalTokenText(v, 9), "é");
  rejects(() => encode(v, "hz"), "meta.pkl", /not in the character vocabulary/);
  rejects(() => decode(v, [10]), "meta.pkl", /outside/);
});

test("WordPiece (tokenizer.json) greedy longest match", () => {
  const json = {
    normalizer: { type: "BertNormalizer", lowercase: true },
    model: { type: "WordPiece", unk_token: "[UNK]", continuing_subword_prefix: "##", vocab: { "[UNK]": 0, "[CLS]": 1, "[SEP]": 2, play: 3, "##ing": 4, "##s": 5, the: 6, "!": 7, un: 8, "##play": 9 } },
    post_processor: { type: "BertProcessing", cls: ["[CLS]", 1], sep: ["[SEP]", 2] },
  };
  const v = tokenizerJsonVocabulary(json, "bert.json");
  assert.equal(v.kind, "wordpiece");
  assert.deepEqual([v.bos, v.eos, v.unk], [1, 2, 0]);
  assert.deepEqual(encode(v, "The playing unplays zzz!", { bos: false }), [6, 3, 4, 8, 9, 5, 0, 7]);
  assert.equal(decode(v, [1, 6, 3, 4, 2]), "the playing");
});

// ---------------------------------------------------------------------------------------------
// Sparse ids, synthetic protobuf
// ---------------------------------------------------------------------------------------------

test("tokenizer.json with sparse ids: gaps filled with \"\" and a note", () => {
  const v = tokenizerJsonVocabulary({ model: { type: "BPE", vocab: { a: 0, b: 3 }, merges: [["a", "b"]] }, added_tokens: [{ id: 5, content: "<x>", special: true }] }, "sparse.json");
  assert.deepEqual(v.tokens, ["a", "", "", "b", "", "<x>"]);
  assert.deepEqual(v.merges, ["a b"]);
  assert.ok(v.notes?.some((n) => n.includes("3 ids")));
});

// Minimal protobuf writer for building SentencePiece models in tests.
function varint(n: number | bigint): number[] {
  let x = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    const b = Number(x & 0x7fn);
    x >>= 7n;
    out.push(x > 0n ? b | 0x80 : b);
  } while (x > 0n);
  return out;
}
const key = (field: number, wire: number): number[] => varint(field * 8 + wire);
const lenField = (field: number, payload: number[]): number[] => [...key(field, 2), ...varint(payload.length), ...payload];
const strField = (field: number, s: string): number[] => lenField(field, Array.from(Buffer.from(s, "utf8")));
const intField = (field: number, v: number): number[] => [...key(field, 0), ...varint(v)];
const floatField = (field: number, v: number): number[] => {
  const b = Buffer.alloc(4);
  b.writeFloatLE(v);
  return [...key(field, 5), ...b];
};
const piece = (p: string, score: number, type = 1): number[] => lenField(1, [...strField(1, p), ...floatField(2, score), ...(type === 1 ? [] : intField(3, type))]);

function tinyModel(): number[] {
  const pieces = [piece("<unk>", 0, 2), piece("<s>", 0, 3), piece("</s>", 0, 3), piece("<pad>", 0, 3)];
  for (let b = 0; b < 256; b++) pieces.push(piece(`<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`, 0, 6));
  ["▁", "h", "i", "▁h", "▁hi"].forEach((p, i) => pieces.push(piece(p, -i)));
  const trainer = lenField(2, [...intField(3, 2), ...intField(35, 1), ...intField(40, 0), ...intField(41, 1), ...intField(42, 2), ...intField(43, 3), ...intField(99, 7), ...strField(100, "ignored")]);
  const normalizer = lenField(3, [...strField(1, "identity"), ...intField(3, 1), ...intField(4, 0)]);
  return [...pieces.flat(), ...trainer, ...normalizer, ...lenField(4, [1, 2, 3])];
}

test("synthetic SentencePiece model: byte pieces, ids, unknown fields skipped", () => {
  const v = parseSentencePieceModel(Uint8Array.from(tinyModel()), "tiny.model");
  assert.equal(v.tokens.length, 4 + 256 + 5);
  assert.deepEqual([v.unk, v.bos, v.eos, v.pad], [0, 1, 2, 3]);
  assert.equal(v.byteFallback, true);
  assert.equal(v.removeExtraWhitespaces, false);
  assert.equal(canonicalTokenText(v, 4 + 0x41), "A");
  assert.deepEqual(encode(v, "hi", { bos: true }), [1, 264]);
  assert.deepEqual(encode(v, "hI").map((i) => v.tokens[i]), ["▁h", "<0x49>"]);
  assert.equal(decode(v, encode(v, "hi Ω", { bos: true })), "hi Ω");
  // pad_id = -1 (a 10-byte varint) means "no pad".
  const neg = [...piece("<unk>", 0, 2), ...lenField(2, [...intField(43, -1), ...intField(41, -1)])];
  const w = parseSentencePieceModel(Uint8Array.from(neg), "neg.model");
  assert.equal(w.pad, undefined);
  assert.equal(w.bos, undefined);
  assert.equal(w.algorithm, "unigram");
});

// ---------------------------------------------------------------------------------------------
// Hostile input
// ---------------------------------------------------------------------------------------------

test("hostile llama2.c tokenizer.bin -> BadInputError, fast", () => {
  const good = new FileSource(TOK512);
  const bytes = good.read(0, good.size);
  good.close();
  const mem = (b: Uint8Array | number[]): MemorySource => new MemorySource(Uint8Array.from(b), "bad.bin");
  rejects(() => readLlama2cTokenizer(mem(bytes.subarray(0, bytes.length - 3))), "bad.bin", /past the end|truncated/);
  rejects(() => readLlama2cTokenizer(mem(bytes.subarray(0, 2))), "bad.bin", /truncated/);
  rejects(() => readLlama2cTokenizer(mem([])), "bad.bin");
  const huge = Uint8Array.from(bytes);
  new DataView(huge.buffer).setInt32(4 + 4, 0x7fffffff, true);
  rejects(() => readLlama2cTokenizer(mem(huge)), "bad.bin", /past the end/);
  const negative = Uint8Array.from(bytes);
  new DataView(negative.buffer).setInt32(4 + 4, -5, true);
  rejects(() => readLlama2cTokenizer(mem(negative)), "bad.bin");
  const badMax = Uint8Array.from(bytes);
  new DataView(badMax.buffer).setInt32(0, -1, true);
  rejects(() => readLlama2cTokenizer(mem(badMax)), "bad.bin", /max_token_length/);
  rejects(() => readLlama2cTokenizer(mem(bytes), { vocabSize: 1e9 }), "bad.bin", /truncated/);
});

test("hostile protobuf -> BadInputError, fast", () => {
  const bad = (b: number[], pattern?: RegExp): void => rejects(() => readSentencePieceModel(new MemorySource(Uint8Array.from(b), "bad.model")), "bad.model", pattern);
  const model = tinyModel();
  // A length running past the end (top level and nested).
  bad([...key(1, 2), ...varint(1_000_000), 1, 2, 3], /truncated/);
  bad([...key(1, 2), ...varint(6), ...key(1, 2), ...varint(100), 0x61, 0x62], /truncated/);
  bad([...key(1, 2), ...varint(2 ** 40)], /truncated/);
  // An 11-byte varint.
  bad([...key(9, 0), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], /10 bytes/);
  bad([...lenField(2, [...key(41, 0), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])], /10 bytes/);
  bad([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], /10 bytes/);
  bad([...key(9, 0), 0x80], /truncated varint/);
  // Truncated model, wrong wire type for a known field, invalid wire types, field 0, bad groups.
  bad(model.slice(0, model.length - 3), /truncated/);
  bad(model.slice(0, 20), /truncated/);
  bad([...key(1, 0), 5], /wire type/);
  bad([...lenField(1, [...key(2, 2), 0])], /wire type/);
  bad([...key(7, 7)], /wire type/);
  bad([0x00, 0x01], /field number/);
  bad([...key(9, 3), ...key(1, 0), 1], /unterminated group/);
  bad([...key(9, 4)], /end-group/);
  bad(Array.from({ length: 200 }, () => key(9, 3)).flat(), /nested/);
  // A piece without its string, invalid UTF-8, no pieces at all.
  bad(lenField(1, floatField(2, 1)), /no piece/);
  bad(lenField(1, lenField(1, [0xff, 0xfe])), /UTF-8/);
  bad(lenField(3, strField(1, "identity")), /no pieces/);
  // Skipping known-good unknown fields (fixed64, groups) still works.
  const ok = [...key(50, 1), 1, 2, 3, 4, 5, 6, 7, 8, ...key(51, 3), ...key(1, 0), 1, ...key(51, 4), ...piece("<unk>", 0, 2)];
  assert.equal(parseSentencePieceModel(Uint8Array.from(ok), "ok.model").tokens.length, 1);
});

test("hostile tokenizer.json / vocab.json -> BadInputError, fast", () => {
  const bad = (text: string, pattern?: RegExp): void => rejects(() => readTokenizerJson(new MemorySource(Buffer.from(text), "tok.json")), "tok.json", pattern);
  bad("{not json", /not JSON/);
  bad("", /not JSON/);
  bad("[1,2,3]", /not a JSON object/);
  bad("{}", /no model/);
  bad(JSON.stringify({ model: { type: "BPE", vocab: "abc", merges: [] } }), /model.vocab/);
  bad(JSON.stringify({ model: { type: "BPE", vocab: 42 } }), /model.vocab/);
  bad(JSON.stringify({ model: { type: "BPE", vocab: { a: "0" } } }), /not a non-negative integer/);
  bad(JSON.stringify({ model: { type: "BPE", vocab: { a: -1 } } }), /not a non-negative integer/);
  bad(JSON.stringify({ model: { type: "BPE", vocab: { a: 1.5 } } }), /not a non-negative integer/);
  bad(JSON.stringify({ model: { type: "BPE", vocab: { a: 0, b: 1e12 } } }), /far beyond/);
  bad(JSON.stringify({ model: { type: "BPE", vocab: { a: 0 }, merges: "a b" } }), /merges/);
  bad(JSON.stringify({ model: { type: "BPE", vocab: { a: 0 }, merges: ["abc"] } }), /merges\[0\]/);
  bad(JSON.stringify({ model: { type: "BPE", vocab: { a: 0 }, merges: [[1, 2]] } }), /merges\[0\]/);
  bad(JSON.stringify({ model: { type: "Unigram", vocab: [["a", "x"]] } }), /vocab\[0\]/);
  bad(JSON.stringify({ model: { type: "BPE", vocab: { a: 0 } }, added_tokens: [{ id: -3, content: "x" }] }), /added_tokens/);
  rejects(() => readTokenizerJson(new MemorySource(Uint8Array.from([0x7b, 0xff, 0x7d]), "tok.json")), "tok.json", /UTF-8/);
  rejects(() => readVocabJson(new MemorySource(Buffer.from("[]"), "vocab.json")), "vocab.json");
  rejects(
    () => readVocabJson(new MemorySource(Buffer.from('{"a":0}'), "vocab.json"), new MemorySource(Buffer.from("#version: 0.2\na b c\n"), "merges.txt")),
    "merges.txt",
    /line 2/,
  );
});

test("hostile GGUF tokenizer metadata -> BadInputError", () => {
  const bad = (meta: Record<string, unknown>, pattern?: RegExp): void => rejects(() => ggufVocabulary(meta, "m.gguf"), "m.gguf", pattern);
  bad({}, /no tokenizer.ggml.tokens/);
  bad({ "tokenizer.ggml.tokens": "abc" }, /not an array/);
  bad({ "tokenizer.ggml.tokens": [1, 2] }, /not a string/);
  bad({ "tokenizer.ggml.tokens": [] }, /empty/);
  bad({ "tokenizer.ggml.tokens": ["a", "b"], "tokenizer.ggml.scores": [0] }, /1 entries for 2/);
  bad({ "tokenizer.ggml.tokens": ["a", "b"], "tokenizer.ggml.token_type": [1, "x"] }, /not a number/);
  bad({ "tokenizer.ggml.tokens": ["a"], "tokenizer.ggml.bos_token_id": "1" }, /not an integer/);
  bad({ "tokenizer.ggml.tokens": ["a"], "tokenizer.ggml.add_bos_token": 1 }, /not a boolean/);
  bad({ "tokenizer.ggml.tokens": ["a"], "tokenizer.ggml.merges": ["abc"] }, /merges/);
  const v = ggufVocabulary({ "tokenizer.ggml.model": "gpt2", "tokenizer.ggml.tokens": ["a", "b"], "tokenizer.ggml.eos_token_id": 7n, "tokenizer.ggml.padding_token_id": 0xffffffff }, "m.gguf");
  assert.equal(v.eos, undefined);
  assert.equal(v.pad, undefined);
  assert.ok(v.notes?.some((n) => n.includes("outside")));
});
