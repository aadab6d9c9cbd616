/**
 * @module io/input-digest
 * Identify the input files of a report so anyone can check they have the same bytes: size and
 * sha256 of each file (whole files up to FULL_LIMIT; above it, of the first and last MiB — marked
 * as partial, a quick identity, not a proof).
 */
import { createHash } from "node:crypto";
import { closeSync, openSync, readSync, statSync } from "node:fs";
import type { ByteSource } from "./byte-source.js";

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
  const fd = openSync(file, "r");
  try {
    return digestOf(file, bytes, (buf, pos) => readSync(fd, buf, 0, buf.length, pos));
  } finally {
    closeSync(fd);
  }
}

/**
 * The same identity for a file read through a ByteSource (a remote file): the whole file is read up
 * to FULL_LIMIT, unless `sha256` already gives its digest (a hub's LFS object id); above the limit,
 * only the first and last MiB.
 */
export function sourceDigest(src: ByteSource, file: string, sha256?: string): InputDigest {
  const partial = src.size > FULL_LIMIT;
  if (sha256 !== undefined && !partial) return { file, bytes: src.size, sha256, partial };
  return digestOf(file, src.size, (buf, pos) => {
    const n = Math.min(buf.length, src.size - pos);
    src.readInto(pos, buf.subarray(0, n));
    return n;
  });
}

/** `read` fills the start of `buf` from `pos` and says how many bytes it gave. */
function digestOf(file: string, bytes: number, read: (buf: Uint8Array, pos: number) => number): InputDigest {
  const h = createHash("sha256");
  const buf = new Uint8Array(Math.min(EDGE * 4, Math.max(1, bytes)));
  const feed = (from: number, to: number) => {
    for (let pos = from; pos < to; ) {
      const n = read(buf.subarray(0, Math.min(buf.length, to - pos)), pos);
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
  return { file, bytes, sha256: h.digest("hex"), partial: bytes > FULL_LIMIT };
}
