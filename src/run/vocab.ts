/**
 * @module run/vocab
 * The vocabulary a model runs with: the one the loader attached (tokenizer file beside the weights,
 * GGUF metadata, a checkpoint's itos table), else none (the caller passes token ids).
 */
import { charVocabulary } from "../formats/tokenizer/chars.js";
import type { Vocabulary } from "../formats/tokenizer/vocabulary.js";
import { vocabularyOf } from "../formats/tokens.js";
import type { CanonicalModel } from "../model/canonical.js";

/** The model's vocabulary for encode/decode, or undefined when it has none usable. */
export function runVocabulary(model: CanonicalModel): Vocabulary | undefined {
  if (!model.tokens) return undefined;
  // A token list without its full vocabulary (an in-memory model): its surface texts as a table.
  return vocabularyOf(model.tokens) ?? charVocabulary(model.tokens.texts, model.tokens.source);
}
