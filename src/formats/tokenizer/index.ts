/**
 * @module formats/tokenizer
 * Vocabularies from every tokenizer format, in one normalised form, and encode/decode.
 */
export * from "./vocabulary.js";
export { readLlama2cTokenizer, type Llama2cTokenizerOptions } from "./llama2c-tokenizer.js";
export { parseSentencePieceModel, readSentencePieceModel } from "./sentencepiece-model.js";
export { parseMergesTxt, readTokenizerJson, readVocabJson, tokenizerJsonVocabulary, vocabJsonVocabulary } from "./tokenizer-json.js";
export { ggufVocabulary } from "./gguf-tokens.js";
export { charVocabulary } from "./chars.js";
export { encode, type EncodeOptions } from "./encode.js";
export { decode, type DecodeOptions } from "./decode.js";
export { encodeSentencePiece, decodeSentencePiece, normalizeForSentencePiece } from "./sentencepiece-bpe.js";
export { encodeByteLevel, decodeByteLevel, GPT2_SPLIT } from "./bytelevel-bpe.js";
