/**
 * @module fingerprint/token-texts
 * The token strings anchors are chosen and paired by. A model without a tokenizer (a bare weight
 * file) gets its token ids instead, written so no real token text can equal one: two such models
 * pair tokens by id, as `compare` does, and never pair with a model that has strings.
 */
import type { CanonicalModel } from "../model/canonical.js";

export const ID_TEXT_PREFIX = "\u0000id:";

export function tokenTexts(m: CanonicalModel): string[] {
  const texts = m.tokens?.texts;
  if (texts && texts.length) return texts;
  const e = m.tensors.get("embed");
  return e ? Array.from({ length: e.rows }, (_, i) => `${ID_TEXT_PREFIX}${i}`) : [];
}
