/**
 * @module queue/same-fingerprint
 * Whether a registered model holds exactly this fingerprint: the same parts, byte for byte. A
 * register job that finds its name taken by the same fingerprint has nothing to do (its earlier
 * attempt, killed before it could say so, or an earlier sweep, registered it).
 */
import { encodeFingerprint } from "../fingerprint/codec.js";
import type { Fingerprint } from "../fingerprint/types.js";
import type { RegistryBackend } from "../registry/backend.js";

export async function sameFingerprint(backend: RegistryBackend, id: number, fp: Fingerprint): Promise<boolean> {
  const [stored] = await backend.models([id]);
  if (!stored) return false;
  const mine = encodeFingerprint(fp);
  if (mine.size !== stored.parts.size) return false;
  for (const [part, bytes] of mine) {
    const theirs = stored.parts.get(part);
    if (!theirs || Buffer.compare(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), Buffer.from(theirs.buffer, theirs.byteOffset, theirs.byteLength)) !== 0) return false;
  }
  return true;
}
