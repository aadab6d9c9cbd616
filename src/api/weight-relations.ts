/**
 * @module api/weight-relations
 * Which models are related by their weights, for choosing behavioural controls: two models are
 * related when the weight test finds one derived from the other (siblings share their parent's
 * weights, so they show too). Registered models are read from their stored fingerprints; models at
 * hand (a compare's A) come as computed fingerprints. Each pair is compared once, when first asked.
 */
import { decodeFingerprint } from "../fingerprint/codec.js";
import { compareFingerprints } from "../fingerprint/compare-fp.js";
import type { Fingerprint } from "../fingerprint/types.js";
import type { RegistryBackend } from "../registry/backend.js";

export type Related = (a: string, b: string) => boolean;

/** related(a, b) over the registered models `ids` (name -> id) and the fingerprints in `extra`. */
export async function weightRelations(b: RegistryBackend, ids: Map<string, number>, extra: ReadonlyMap<string, Fingerprint> = new Map()): Promise<Related> {
  const fps = new Map<string, Fingerprint>(extra);
  for (const m of await b.models([...ids.values()])) fps.set(m.record.name, decodeFingerprint(m.parts, `${b.name}: model ${JSON.stringify(m.record.name)}`));
  const known = new Map<string, boolean>();
  return (a, c) => {
    const key = a < c ? `${a}\u0000${c}` : `${c}\u0000${a}`;
    let r = known.get(key);
    if (r === undefined) {
      const fa = fps.get(a);
      const fc = fps.get(c);
      r = !!fa && !!fc && compareFingerprints(fa, fc).verdict === "derived";
      known.set(key, r);
    }
    return r;
  };
}
