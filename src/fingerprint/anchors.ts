/**
 * @module fingerprint/anchors
 * Deterministic choices that let two fingerprints, computed apart, line up:
 * - frame anchors: tokens ranked by a hash of their canonical text (the same strings are chosen in
 *   any vocabulary that holds them), whose full embedding rows let a live model's residual frame be
 *   estimated against the fingerprint;
 * - descriptor anchors: single characters nearly every vocabulary holds, in a fixed order; a unit's
 *   responses to their embeddings describe it independently of the residual basis;
 * - sketch coordinates: residual dimensions ranked by a hash of their index.
 */
import { seedOf } from "../numeric/rng.js";

/** Characters in (roughly) English frequency order, then digits and punctuation: 64 in all. */
export const DESCRIPTOR_CHARS: readonly string[] = [
  " ", "e", "t", "a", "o", "i", "n", "s", "h", "r", "d", "l", "u", "c", "m", "w", "f", "g", "y", "p", "b", ".", ",", "v", "k",
  "\n", "T", "I", "A", "S", "H", "W", "B", "C", "M", "x", "j", "q", "z", "0", "1", "2", "3", "4", "5", "-", "'", "\"", "?", "!",
  ":", ";", "(", ")", "O", "E", "N", "L", "R", "D", "P", "F", "G", "Y",
];

function hash(text: string): number {
  return seedOf(`pedigree-anchor:${text}`);
}

/** Indices of up to `k` tokens, chosen by the hash of their canonical text (empty texts skipped). */
export function frameAnchors(texts: readonly string[], k: number): Int32Array {
  const seen = new Set<string>();
  const ranked: Array<[number, number]> = [];
  texts.forEach((t, i) => {
    if (t === "" || seen.has(t)) return;
    seen.add(t);
    ranked.push([hash(t), i]);
  });
  ranked.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  return Int32Array.from(ranked.slice(0, k), (x) => x[1]);
}

/** For each descriptor character, the token id holding it (-1 when the vocabulary lacks it). */
export function descriptorAnchors(texts: readonly string[]): Int32Array {
  const index = new Map<string, number>();
  texts.forEach((t, i) => {
    if (!index.has(t)) index.set(t, i);
  });
  return Int32Array.from(DESCRIPTOR_CHARS, (c) => index.get(c) ?? -1);
}

/** `k` residual coordinates of a width-d stream, ranked by the hash of their index. */
export function sketchCoordinates(d: number, k: number): Int32Array {
  const ranked = Array.from({ length: d }, (_, i) => [seedOf(`pedigree-coord:${i}`), i] as [number, number]);
  ranked.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  return Int32Array.from(ranked.slice(0, Math.min(k, d)), (x) => x[1]).sort();
}
