/**
 * @module formats/pytorch/zip
 * A ZIP reader for torch.save archives: the central directory (with ZIP64), each entry's local
 * header to find where its data starts, and bounded reads. Torch stores entries uncompressed
 * ("stored"), so a storage is just a window of the file; deflated entries are inflated only when
 * small. Spec: PKWARE APPNOTE.TXT 6.3 (sections 4.3.7, 4.3.12, 4.3.14-16, 4.5.3).
 */
import { crc32, inflateRawSync } from "node:zlib";
import { BadInputError, check, UnsupportedError } from "../../errors.js";
import { MemorySource, type ByteSource } from "../../io/byte-source.js";

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const EOCD_SIZE = 22;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
/** The EOCD sits in the last 22 bytes plus at most a 65 535-byte comment. */
const EOCD_SEARCH = 0xffff + EOCD_SIZE;
/** Entries per archive (a torch file holds one per storage; 10^5 storages is already extreme). */
export const MAX_ENTRIES = 1 << 20;
/** Central directory bytes (46 + name + extras per entry; 1M entries fit easily). */
const MAX_DIRECTORY_BYTES = 256 << 20;

export const METHOD_STORED = 0;
export const METHOD_DEFLATE = 8;

export interface ZipEntry {
  readonly name: string;
  /** 0 stored, 8 deflate (anything else is refused when read). */
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly crc32: number;
  readonly localHeaderOffset: number;
  /** Where the entry's (possibly compressed) bytes start in the archive. */
  readonly dataOffset: number;
}

export interface ZipArchive {
  readonly path: string;
  readonly entries: readonly ZipEntry[];
  get(name: string): ZipEntry | undefined;
  /** A stored entry's bytes as a window of the archive (CRC-checked when at most `maxInflated` bytes); a deflated entry is inflated if at most `maxInflated` bytes. */
  source(entry: ZipEntry, maxInflated?: number): ByteSource;
  /** A small entry's whole content (at most `maxBytes`), CRC-checked. */
  readAll(entry: ZipEntry, maxBytes: number): Uint8Array;
}

function u16(b: Uint8Array, o: number): number {
  return (b[o] as number) | ((b[o + 1] as number) << 8);
}
function u32(b: Uint8Array, o: number): number {
  return ((b[o] as number) | ((b[o + 1] as number) << 8) | ((b[o + 2] as number) << 16) | ((b[o + 3] as number) << 24)) >>> 0;
}
/** A u64 field that must be a safe integer (no ZIP in the wild needs 2^53 bytes). */
function u64(b: Uint8Array, o: number, path: string, what: string): number {
  const v = u32(b, o) + u32(b, o + 4) * 0x100000000;
  check(Number.isSafeInteger(v), path, `zip: ${what} is absurdly large`);
  return v;
}

export function looksLikeZip(src: ByteSource): boolean {
  if (src.size < EOCD_SIZE) return false;
  const h = src.read(0, 4);
  const sig = u32(h, 0);
  return sig === SIG_LOCAL || sig === SIG_EOCD;
}

interface Directory { count: number; offset: number; size: number }

/** Find the end-of-central-directory record (and its ZIP64 twin), searching backwards from the end. */
function findDirectory(src: ByteSource): Directory {
  const path = src.path;
  check(src.size >= EOCD_SIZE, path, `zip: too small (${src.size} bytes) to hold an end-of-central-directory record`);
  const tailLen = Math.min(src.size, EOCD_SEARCH);
  const tailStart = src.size - tailLen;
  const tail = src.read(tailStart, tailLen);
  let at = -1;
  for (let i = tailLen - EOCD_SIZE; i >= 0; i--) {
    // The comment length must reach exactly to the end of the file: a stray signature in a comment does not count.
    if (u32(tail, i) === SIG_EOCD && i + EOCD_SIZE + u16(tail, i + 20) === tailLen) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new BadInputError(path, "zip: no end-of-central-directory record (truncated or not a zip archive)");
  const eocdOffset = tailStart + at;
  const disk = u16(tail, at + 4);
  const cdDisk = u16(tail, at + 6);
  let count = u16(tail, at + 10);
  let size = u32(tail, at + 12);
  let offset = u32(tail, at + 16);
  let end = eocdOffset;

  // ZIP64: a 20-byte locator just before the EOCD points to the ZIP64 EOCD record.
  if (at >= 20 && u32(tail, at - 20) === SIG_ZIP64_LOCATOR) {
    const rec = u64(tail, at - 20 + 8, path, "ZIP64 end-of-central-directory offset");
    check(rec + 56 <= eocdOffset - 20, path, `zip: ZIP64 end-of-central-directory record at ${rec} lies outside the file`);
    const z = src.read(rec, 56);
    check(u32(z, 0) === SIG_ZIP64_EOCD, path, "zip: ZIP64 locator does not point at a ZIP64 end-of-central-directory record");
    check(u32(z, 16) === 0 && u32(z, 20) === 0, path, "zip: multi-disk archives are not supported");
    count = u64(z, 32, path, "ZIP64 entry count");
    size = u64(z, 40, path, "ZIP64 central directory size");
    offset = u64(z, 48, path, "ZIP64 central directory offset");
    end = rec;
  } else {
    check(disk === 0 && cdDisk === 0, path, "zip: multi-disk archives are not supported");
    check(count !== 0xffff && size !== 0xffffffff && offset !== 0xffffffff, path, "zip: ZIP64 sizes without a ZIP64 locator");
  }
  check(offset + size <= end, path, `zip: central directory (${size} bytes at ${offset}) runs past its end record at ${end}`);
  check(size <= MAX_DIRECTORY_BYTES, path, `zip: central directory of ${size} bytes is over the ${MAX_DIRECTORY_BYTES}-byte limit`);
  check(count <= MAX_ENTRIES, path, `zip: ${count} entries is more than the limit of ${MAX_ENTRIES}`);
  check(count * CENTRAL_SIZE <= size, path, `zip: ${count} entries cannot fit in a ${size}-byte central directory`);
  return { count, offset, size };
}

/** Apply a ZIP64 extended-information extra field (id 1) to the 0xFFFFFFFF placeholders. */
function zip64Extra(extra: Uint8Array, vals: { size: number; csize: number; local: number }, path: string, name: string): void {
  let p = 0;
  while (p + 4 <= extra.length) {
    const id = u16(extra, p);
    const len = u16(extra, p + 2);
    check(p + 4 + len <= extra.length, path, `zip: entry "${name}": extra field runs past its end`);
    if (id === 1) {
      let q = p + 4;
      const take = (what: string): number => {
        check(q + 8 <= p + 4 + len, path, `zip: entry "${name}": ZIP64 extra field too short for ${what}`);
        const v = u64(extra, q, path, `entry "${name}" ${what}`);
        q += 8;
        return v;
      };
      if (vals.size === 0xffffffff) vals.size = take("size");
      if (vals.csize === 0xffffffff) vals.csize = take("compressed size");
      if (vals.local === 0xffffffff) vals.local = take("local header offset");
      return;
    }
    p += 4 + len;
  }
}

const utf8 = new TextDecoder("utf-8");

export function readZip(src: ByteSource): ZipArchive {
  const path = src.path;
  const dir = findDirectory(src);
  const cd = src.read(dir.offset, dir.size);
  const entries: ZipEntry[] = [];
  const byName = new Map<string, ZipEntry>();
  let p = 0;
  for (let i = 0; i < dir.count; i++) {
    check(p + CENTRAL_SIZE <= cd.length && u32(cd, p) === SIG_CENTRAL, path, `zip: central directory entry #${i} is missing or corrupt`);
    const flags = u16(cd, p + 8);
    const method = u16(cd, p + 10);
    const nameLen = u16(cd, p + 28);
    const extraLen = u16(cd, p + 30);
    const commentLen = u16(cd, p + 32);
    check(p + CENTRAL_SIZE + nameLen + extraLen + commentLen <= cd.length, path, `zip: central directory entry #${i} runs past the directory`);
    const name = utf8.decode(cd.subarray(p + CENTRAL_SIZE, p + CENTRAL_SIZE + nameLen));
    const vals = { csize: u32(cd, p + 20), size: u32(cd, p + 24), local: u32(cd, p + 42) };
    zip64Extra(cd.subarray(p + CENTRAL_SIZE + nameLen, p + CENTRAL_SIZE + nameLen + extraLen), vals, path, name);
    if (flags & 1) throw new UnsupportedError(path, `zip: entry "${name}" is encrypted`);
    check(!byName.has(name), path, `zip: duplicate entry "${name}"`);
    check(vals.local + LOCAL_SIZE <= dir.offset, path, `zip: entry "${name}": local header at ${vals.local} lies outside the data area`);

    const lh = src.read(vals.local, LOCAL_SIZE);
    check(u32(lh, 0) === SIG_LOCAL, path, `zip: entry "${name}": no local header at ${vals.local}`);
    const dataOffset = vals.local + LOCAL_SIZE + u16(lh, 26) + u16(lh, 28);
    check(dataOffset + vals.csize <= dir.offset, path, `zip: entry "${name}": data (${vals.csize} bytes at ${dataOffset}) runs past the data area (${dir.offset})`);
    if (method === METHOD_STORED) check(vals.csize === vals.size, path, `zip: stored entry "${name}" has compressed size ${vals.csize} but size ${vals.size}`);

    const entry: ZipEntry = { name, method, compressedSize: vals.csize, size: vals.size, crc32: u32(cd, p + 16), localHeaderOffset: vals.local, dataOffset };
    entries.push(entry);
    byName.set(name, entry);
    p += CENTRAL_SIZE + nameLen + extraLen + commentLen;
  }

  const inflate = (e: ZipEntry, cap: number): Uint8Array => {
    if (e.method !== METHOD_DEFLATE) throw new UnsupportedError(path, `zip: entry "${e.name}" uses compression method ${e.method} (only stored and deflate are read)`);
    if (e.size > cap) throw new UnsupportedError(path, `zip: entry "${e.name}" is deflated and ${e.size} bytes, over the ${cap}-byte limit for compressed entries`);
    let out: Buffer;
    try {
      out = inflateRawSync(src.read(e.dataOffset, e.compressedSize), { maxOutputLength: Math.max(e.size, 1) });
    } catch (err) {
      throw new BadInputError(path, `zip: entry "${e.name}" does not inflate to its declared ${e.size} bytes`, { cause: err });
    }
    check(out.length === e.size, path, `zip: entry "${e.name}" inflates to ${out.length} bytes, not the declared ${e.size}`);
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  };

  return {
    path,
    entries,
    get: (name) => byName.get(name),
    source(e, maxInflated = 0) {
      if (e.method === METHOD_STORED) {
        // Entries up to the size a deflated one may have are CRC-checked here (zlib's crc32 runs at
        // GB/s); bigger ones stay lazy windows, read only where the comparison samples them.
        if (e.size <= maxInflated) check(crc32(src.read(e.dataOffset, e.size)) >>> 0 === e.crc32, path, `zip: entry "${e.name}" fails its CRC-32 check`);
        return src.slice(e.dataOffset, e.size, `${path}:${e.name}`);
      }
      return new MemorySource(inflate(e, maxInflated), `${path}:${e.name}`);
    },
    readAll(e, maxBytes) {
      check(e.size <= maxBytes, path, `zip: entry "${e.name}" is ${e.size} bytes, over the ${maxBytes}-byte limit`);
      const bytes = e.method === METHOD_STORED ? src.read(e.dataOffset, e.size) : inflate(e, maxBytes);
      check(crc32(bytes) >>> 0 === e.crc32, path, `zip: entry "${e.name}" fails its CRC-32 check`);
      return bytes;
    },
  };
}
