/**
 * @module mark/keys
 * The secret behind every mark: a key file (at least 16 bytes, read whole, bounded), one 128-bit
 * seed per (model, recipient) derived from it with HMAC-SHA256, and per-tensor seeds derived from
 * that. The registry keeps only the key's SHA-256 digest, never the key.
 */
import { fmix32 } from "../numeric/hash.js";
import { createHash, createHmac } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { BadInputError, PedigreeError } from "../errors.js";
import { seedOf } from "../numeric/rng.js";

export const MIN_KEY_BYTES = 16;
export const MAX_KEY_BYTES = 4096;
/** Domain-separation label of the current mark scheme. */
export const MARK_SCHEME = "pedigree-mark/1";

/** Read a key file: 16 to 4096 bytes, used as is (binary or text). */
export function readKeyFile(path: string): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw new PedigreeError("not-found", `cannot read the key file (${(e as NodeJS.ErrnoException).code ?? "error"})`, path);
  }
  try {
    const size = fstatSync(fd).size;
    if (size < MIN_KEY_BYTES) throw new BadInputError(path, `a key file needs at least ${MIN_KEY_BYTES} bytes of secret (has ${size})`);
    if (size > MAX_KEY_BYTES) throw new BadInputError(path, `a key file holds at most ${MAX_KEY_BYTES} bytes (has ${size})`);
    const buf = Buffer.alloc(size);
    readSync(fd, buf, 0, size, 0);
    return new Uint8Array(buf);
  } finally {
    closeSync(fd);
  }
}

/** The digest the registry records for a key: sha256 of its bytes, hex. */
export function keyDigest(key: Uint8Array): string {
  return createHash("sha256").update(key).digest("hex");
}

/** A recipient's 128-bit seed for one model: HMAC-SHA256(key, scheme ‖ model ‖ recipient), first 16 bytes. */
export function recipientSeed(key: Uint8Array, model: string, recipient: string): Uint32Array {
  const mac = createHmac("sha256", key).update(`${MARK_SCHEME}\0${model}\0${recipient}`).digest();
  return new Uint32Array([mac.readUInt32LE(0), mac.readUInt32LE(4), mac.readUInt32LE(8), mac.readUInt32LE(12)]);
}

export { fmix32 } from "../numeric/hash.js";

/** The 64-bit seed of one tensor's pattern: the recipient's seed mixed with the tensor's canonical key. */
export function tensorSeed(seed: Uint32Array, tensorKey: string): [number, number] {
  const t = seedOf(tensorKey);
  const s0 = fmix32((seed[0] as number) ^ fmix32(t ^ (seed[2] as number)));
  const s1 = fmix32((seed[1] as number) ^ fmix32(Math.imul(t, 0x9e3779b1) ^ (seed[3] as number)));
  return [s0, s1];
}
