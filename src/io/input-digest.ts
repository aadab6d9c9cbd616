/**
 * @module io/input-digest
 * Identify the input files of a report so anyone can check they have the same bytes: size and
 * sha256 of each file (whole files up to FULL_LIMIT; above it, of the first and last MiB — marked
 * as partial, a quick identity, not a proof).
 */
import { createHash } from "node:crypto";
import { closeSync, openSync, readSync, statSync } from "node:fs";

const FULL_LIMIT = 256 << 20;
const EDGE = 1 << 20;

export interface InputDigest {
  file: string;
  bytes: number;
  sha256: string;
  partial: boolean;
}

export function inputDigest(file: string): InputDigest {
  const bytes = statSync(file).size;
  const h = createHash("sha256");
  const fd = openSync(file, "r");
  try {
    const buf = new Uint8Array(Math.min(EDGE * 4, Math.max(1, bytes)));
    const feed = (from: number, to: number) => {
      for (let pos = from; pos < to; ) {
        const n = readSync(fd, buf, 0, Math.min(buf.length, to - pos), pos);
        if (n <= 0) break;
        h.update(buf.subarray(0, n));
        pos += n;
      }
    };
    if (bytes <= FULL_LIMIT) feed(0, bytes);
    else {
      feed(0, EDGE);
      feed(bytes - EDGE, bytes);
    }
  } finally {
    closeSync(fd);
  }
  return { file, bytes, sha256: h.digest("hex"), partial: bytes > FULL_LIMIT };
}
