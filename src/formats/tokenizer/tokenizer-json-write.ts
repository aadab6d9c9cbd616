/**
 * @module formats/tokenizer/tokenizer-json-write
 * A Vocabulary as a Hugging Face tokenizer.json (the BPE model transformers writes for Llama's
 * SentencePiece vocabularies, or GPT-2's byte-level BPE), so written model folders carry their
 * tokenizer. SentencePiece merges are derived from the vocabulary as transformers' converter does:
 * every split of a piece into two pieces, ordered by the merged piece's rank.
 */
import { isSpecialToken, type Vocabulary } from "./vocabulary.js";

const SP = "\u2581";

/** Token strings in SentencePiece's own spelling (llama2.c's tokenizer.bin uses " " and "\n<s>\n"). */
export function sentencePieceTokens(v: Vocabulary): string[] {
  if (v.spaceMarker !== " ") return v.tokens;
  return v.tokens.map((t) => {
    const special = /^\n(<\/?s>)\n$/.exec(t);
    if (special) return special[1] as string;
    return /^<.*>$/.test(t) ? t : t.replace(/ /g, SP);
  });
}

function derivedMerges(tokens: string[], skip: (id: number) => boolean): string[] {
  const index = new Map<string, number>();
  tokens.forEach((t, i) => {
    if (!skip(i) && !index.has(t)) index.set(t, i);
  });
  const merges: Array<[number, number, number, string]> = [];
  tokens.forEach((t, id) => {
    if (skip(id)) return;
    const chars = [...t];
    for (let s = 1; s < chars.length; s++) {
      const a = chars.slice(0, s).join("");
      const b = chars.slice(s).join("");
      const ia = index.get(a);
      const ib = index.get(b);
      if (ia !== undefined && ib !== undefined) merges.push([id, ia, ib, `${a} ${b}`]);
    }
  });
  merges.sort((x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2]);
  return merges.map((m) => m[3]);
}

export function tokenizerJson(v: Vocabulary): Record<string, unknown> {
  const special = (id: number) => isSpecialToken(v, id);
  if (v.kind === "bytelevel-bpe") {
    const vocab: Record<string, number> = {};
    v.tokens.forEach((t, i) => (vocab[t] ??= i));
    const bl = { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: v.useRegex ?? true };
    return {
      version: "1.0", truncation: null, padding: null,
      added_tokens: (v.addedTokens ?? []).map((a) => ({ id: a.id, content: a.content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: a.special })),
      normalizer: null, pre_tokenizer: bl, post_processor: null, decoder: bl,
      model: { type: "BPE", dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges: v.merges ?? [] },
    };
  }
  const tokens = sentencePieceTokens(v);
  const specials = tokens.map((t, i) => ({ t, i })).filter(({ i }) => special(i));
  const vocab: Record<string, number> = {};
  tokens.forEach((t, i) => (vocab[t] ??= i));
  const unk = v.unk !== undefined ? tokens[v.unk] : undefined;
  const bos = v.bos !== undefined ? tokens[v.bos] : undefined;
  return {
    version: "1.0", truncation: null, padding: null,
    added_tokens: specials.map(({ t, i }) => ({ id: i, content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: "Sequence", normalizers: [{ type: "Prepend", prepend: SP }, { type: "Replace", pattern: { String: " " }, content: SP }] },
    pre_tokenizer: null,
    post_processor: bos ? { type: "TemplateProcessing", single: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }], pair: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: bos, type_id: 1 } }, { Sequence: { id: "B", type_id: 1 } }], special_tokens: { [bos]: { id: bos, ids: [v.bos], tokens: [bos] } } } : null,
    decoder: { type: "Sequence", decoders: [{ type: "Replace", pattern: { String: SP }, content: " " }, { type: "ByteFallback" }, { type: "Fuse" }, { type: "Strip", content: " ", start: 1, stop: 0 }] },
    model: { type: "BPE", dropout: null, unk_token: unk ?? null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: true, byte_fallback: v.byteFallback ?? true, ignore_merges: false, vocab, merges: v.merges?.length ? v.merges : derivedMerges(tokens, special) },
  };
}
