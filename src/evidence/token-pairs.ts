/**
 * @module evidence/token-pairs
 * Which rows of A's and B's embeddings stand for the same token: matched by canonical surface text
 * (▁/Ġ/byte spellings undone), so renumbered, extended or trimmed vocabularies still align.
 */
import type { CanonicalModel } from "../model/canonical.js";

export interface TokenPairs {
  /** Row ids in A and B, pairwise the same token. */
  a: Int32Array;
  b: Int32Array;
  vocabA: number;
  vocabB: number;
  /** How the pairs were found. */
  method: "strings" | "ids";
  /** Tokens of B whose text A lacks, and of A whose text B lacks (rows without text count by row count). */
  added: number;
  removed: number;
}

export function tokenPairs(a: CanonicalModel, b: CanonicalModel): TokenPairs | null {
  const ea = a.tensors.get("embed") ?? a.tensors.get("head");
  const eb = b.tensors.get("embed") ?? b.tensors.get("head");
  if (!ea || !eb) return null;
  const vocabA = ea.rows;
  const vocabB = eb.rows;
  if (a.tokens && b.tokens) {
    const index = new Map<string, number>();
    a.tokens.texts.forEach((t, i) => {
      if (i < vocabA && t !== "" && !index.has(t)) index.set(t, i);
    });
    const pa: number[] = [];
    const pb: number[] = [];
    const seen = new Set<number>();
    b.tokens.texts.forEach((t, j) => {
      const i = index.get(t);
      if (i === undefined || j >= vocabB || seen.has(i)) return;
      seen.add(i);
      pa.push(i);
      pb.push(j);
    });
    // several ids can share one surface text (a byte token and its character): count texts, not pairs
    const textsB = new Set(b.tokens.texts.slice(0, vocabB).filter((t) => t !== ""));
    const added = Math.max([...textsB].filter((t) => !index.has(t)).length, vocabB - vocabA);
    const removed = Math.max([...index.keys()].filter((t) => !textsB.has(t)).length, vocabA - vocabB);
    return { a: Int32Array.from(pa), b: Int32Array.from(pb), vocabA, vocabB, method: "strings", added, removed };
  }
  // Without token strings on both sides, only ids can pair rows (same-size vocabularies only).
  if (vocabA !== vocabB) return null;
  const ids = Int32Array.from({ length: vocabA }, (_, i) => i);
  return { a: ids, b: ids.slice(), vocabA, vocabB, method: "ids", added: 0, removed: 0 };
}
