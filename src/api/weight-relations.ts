/**
 * @module api/weight-relations
 * Which models are related by their weights, for choosing behavioural controls: two models are
 * related when the weight test finds one derived from the other (siblings share their parent's
 * weights, so they show too). Registered models are read from their stored fingerprints when first
 * asked about (a few dozen decoded at a time), models at hand (a compare's A) come as computed
 * fingerprints. Each pair is compared once.
 */
import { decodeFingerprint } from "../fingerprint/codec.js";
import { compareFingerprints } from "../fingerprint/compare-fp.js";
import type { Fingerprint } from "../fingerprint/types.js";
import type { RegistryBackend } from "../registry/backend.js";

export type Related = (a: string, b: string) => Promise<boolean>;

/** Decoded fingerprints kept at once. */
const KEPT = 32;

/** related(a, b) over the registered models `ids` (name -> id) and the fingerprints in `extra`. */
export function weightRelations(b: RegistryBackend, ids: ReadonlyMap<string, number>, extra: ReadonlyMap<string, Fingerprint> = new Map()): Related {
  const kept = new Map<string, Fingerprint>();
  const fingerprint = async (name: string): Promise<Fingerprint | undefined> => {
    const known = extra.get(name) ?? kept.get(name);
    if (known) return known;
    const id = ids.get(name);
    if (id === undefined) return undefined;
    const m = (await b.models([id]))[0];
    if (!m) return undefined;
    const fp = decodeFingerprint(m.parts, `${b.name}: model ${JSON.stringify(name)}`);
    if (kept.size >= KEPT) kept.delete(kept.keys().next().value as string);
    kept.set(name, fp);
    return fp;
  };
  const known = new Map<string, boolean>();
  return async (x, y) => {
    const key = x < y ? `${x}\u0000${y}` : `${y}\u0000${x}`;
    let r = known.get(key);
    if (r === undefined) {
      const fx = await fingerprint(x);
      const fy = await fingerprint(y);
      r = !!fx && !!fy && compareFingerprints(fx, fy).verdict === "derived";
      known.set(key, r);
    }
    return r;
  };
}
