/**
 * @module registry/band-keys
 * The posting keys of an index key: each 64-bit unit code splits into bands (index-key.ts, which
 * owns the layout: `bands()` and `bandKey()` fold the code kind and the band position into one
 * integer, so a descriptor code never meets a coordinate code and band 0 never meets band 2).
 * A band value of 0 is left out: it is what a code narrower than 64 bits (few descriptor tokens, a
 * narrow model) leaves in its upper band, shared by every such model, so it says nothing about
 * descent and would only make a long posting list. Keys are unique per model (a model posts a key
 * once however many of its codes share it).
 */
import { bandKey, bands } from "../fingerprint/index-key.js";
import type { IndexKey } from "../fingerprint/types.js";

/** The distinct posting keys of an index key, ascending. */
export function bandKeys(key: IndexKey): Int32Array {
  const n = Math.min(key.kinds.length, key.codes.length >>> 1);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const kind = key.kinds[i] as number;
    bands(key.codes[2 * i] as number, key.codes[2 * i + 1] as number).forEach((v, b) => {
      if (v !== 0) out.push(bandKey(kind, b, v));
    });
  }
  const sorted = Int32Array.from(out).sort();
  let u = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[u++] = sorted[i] as number;
  return sorted.slice(0, u);
}
