/**
 * @module fingerprint/band-hits
 * How many of two index keys' codes collide in at least one band (same code kind): the
 * candidate score, before any verdict. Derived models collide on many prominent units; unrelated
 * ones on few.
 */
import { bandKey, bands } from "./index-key.js";
import type { IndexKey } from "./types.js";

export function bandSet(k: IndexKey): Set<number> {
  const s = new Set<number>();
  for (let i = 0; i < k.kinds.length; i++) {
    const b = bands(k.codes[2 * i] as number, k.codes[2 * i + 1] as number);
    b.forEach((v, j) => s.add(bandKey(k.kinds[i] as number, j, v)));
  }
  return s;
}

/** Codes of `query` with at least one band in `target`. */
export function bandHits(query: IndexKey, target: Set<number>): number {
  let hits = 0;
  for (let i = 0; i < query.kinds.length; i++) {
    const b = bands(query.codes[2 * i] as number, query.codes[2 * i + 1] as number);
    if (b.some((v, j) => target.has(bandKey(query.kinds[i] as number, j, v)))) hits++;
  }
  return hits;
}
