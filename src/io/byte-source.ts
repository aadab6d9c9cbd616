/**
 * @module io/byte-source
 * Random-access bytes: a file read at explicit positions (never whole), or bytes in memory (tests,
 * nested archives). Readers only ever see a ByteSource, so a parser never opens files itself.
 */
import { closeSync, readSync } from "node:fs";
import { BadInputError, PedigreeError } from "../errors.js";
import { openRegular } from "./regular-file.js";

/** The largest single read a parser may ask for; bigger reads must be chunked by the caller. */
export const MAX_READ_BYTES = 512 * 1024 * 1024;

export interface ByteSource {
  /** Path shown in errors (the file, or `archive.zip:member`). */
  readonly path: string;
  readonly size: number;
  /** Exactly `length` bytes at `offset`; a BadInputError if that runs past the end. */
  read(offset: number, length: number): Uint8Array;
  /** Like read, but into a caller-owned buffer (no allocation in hot loops). */
  readInto(offset: number, target: Uint8Array): void;
  /** A window [offset, offset + length) of this source, as its own source. */
  slice(offset: number, length: number, path?: string): ByteSource;
  close(): void;
}

/** The guard every ByteSource runs before a read: a valid range, inside the source, within MAX_READ_BYTES. */
export function checkRange(src: ByteSource, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new BadInputError(src.path, `invalid byte range ${offset}+${length}`);
  }
  if (offset + length > src.size) {
    throw new BadInputError(src.path, `truncated: needs bytes up to ${offset + length}, file has ${src.size}`);
  }
  if (length > MAX_READ_BYTES) {
    throw new PedigreeError("internal", `read of ${length} bytes exceeds the ${MAX_READ_BYTES}-byte chunk limit`, src.path);
  }
}

/** A window of another source, as its own source. */
export class WindowSource implements ByteSource {
  constructor(
    private readonly parent: ByteSource,
    private readonly base: number,
    readonly size: number,
    readonly path: string,
  ) {}
  read(offset: number, length: number): Uint8Array {
    checkRange(this, offset, length);
    return this.parent.read(this.base + offset, length);
  }
  readInto(offset: number, target: Uint8Array): void {
    checkRange(this, offset, target.length);
    this.parent.readInto(this.base + offset, target);
  }
  slice(offset: number, length: number, path?: string): ByteSource {
    if (offset < 0 || length < 0 || offset + length > this.size) throw new BadInputError(this.path, `window ${offset}+${length} past the end (${this.size})`);
    return new WindowSource(this.parent, this.base + offset, length, path ?? this.path);
  }
  close(): void {}
}

export class FileSource implements ByteSource {
  readonly size: number;
  private fd: number | null;

  constructor(readonly path: string) {
    const { fd, size } = openRegular(path);
    this.fd = fd;
    this.size = size;
  }

  read(offset: number, length: number): Uint8Array {
    checkRange(this, offset, length);
    const buf = new Uint8Array(length);
    this.fill(offset, buf);
    return buf;
  }

  readInto(offset: number, target: Uint8Array): void {
    checkRange(this, offset, target.length);
    this.fill(offset, target);
  }

  private fill(offset: number, target: Uint8Array): void {
    if (this.fd === null) throw new PedigreeError("internal", "read after close", this.path);
    let done = 0;
    while (done < target.length) {
      const n = readSync(this.fd, target, done, target.length - done, offset + done);
      if (n <= 0) throw new BadInputError(this.path, `file shrank while reading at byte ${offset + done}`);
      done += n;
    }
  }

  slice(offset: number, length: number, path?: string): ByteSource {
    if (offset < 0 || length < 0 || offset + length > this.size) {
      throw new BadInputError(this.path, `window ${offset}+${length} past the end (${this.size})`);
    }
    return new WindowSource(this, offset, length, path ?? this.path);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

export class MemorySource implements ByteSource {
  readonly size: number;
  constructor(
    private readonly bytes: Uint8Array,
    readonly path = "<memory>",
  ) {
    this.size = bytes.length;
  }
  read(offset: number, length: number): Uint8Array {
    checkRange(this, offset, length);
    return this.bytes.slice(offset, offset + length);
  }
  readInto(offset: number, target: Uint8Array): void {
    checkRange(this, offset, target.length);
    target.set(this.bytes.subarray(offset, offset + target.length));
  }
  slice(offset: number, length: number, path?: string): ByteSource {
    if (offset < 0 || length < 0 || offset + length > this.size) {
      throw new BadInputError(this.path, `window ${offset}+${length} past the end (${this.size})`);
    }
    return new MemorySource(this.bytes.subarray(offset, offset + length), path ?? this.path);
  }
  close(): void {}
}
