/**
 * @module io/atomic-file
 * Write a file under a temporary name and rename it into place only when complete, so an
 * interrupted write never leaves a half-written file under the output name. Buffered, streaming.
 * A process that is stopped mid-write leaves `<path>.partial-<pid>`; removePartialFiles() is for
 * the program (the CLI) to call on exit.
 */
import { closeSync, existsSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { PedigreeError } from "../errors.js";

const live = new Set<string>();

/**
 * Remove every temporary file of this thread's AtomicFiles still being written. The library never
 * installs exit or signal handlers; the CLI calls this when it exits or is interrupted.
 */
export function removePartialFiles(): void {
  for (const p of live) {
    try {
      unlinkSync(p);
    } catch {
      // already gone
    }
  }
  live.clear();
}

const BUFFER = 8 << 20;

export class AtomicFile {
  private fd: number;
  private readonly tmp: string;
  private buf = new Uint8Array(BUFFER);
  private used = 0;
  private written = 0;

  constructor(readonly path: string) {
    this.tmp = `${path}.partial-${process.pid}`;
    try {
      this.fd = openSync(this.tmp, "w");
    } catch (e) {
      throw new PedigreeError("bad-input", `cannot write (${(e as NodeJS.ErrnoException).code ?? "error"})`, path);
    }
    live.add(this.tmp);
  }

  /** Bytes written so far (the current file offset). */
  get offset(): number {
    return this.written + this.used;
  }

  write(bytes: Uint8Array): void {
    if (bytes.length >= BUFFER) {
      this.flush();
      this.raw(bytes);
      return;
    }
    if (this.used + bytes.length > BUFFER) this.flush();
    this.buf.set(bytes, this.used);
    this.used += bytes.length;
  }

  /** Zero bytes up to the next multiple of `alignment`. */
  pad(alignment: number): void {
    const rem = this.offset % alignment;
    if (rem) this.write(new Uint8Array(alignment - rem));
  }

  private raw(bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done);
    this.written += bytes.length;
  }

  private flush(): void {
    if (this.used) this.raw(this.buf.subarray(0, this.used));
    this.used = 0;
  }

  /** Finish: flush, close and move into place. */
  commit(): void {
    this.flush();
    closeSync(this.fd);
    renameSync(this.tmp, this.path);
    live.delete(this.tmp);
  }

  /** Give up: remove the partial file. */
  abort(): void {
    try {
      closeSync(this.fd);
    } catch {
      // closed
    }
    if (existsSync(this.tmp)) unlinkSync(this.tmp);
    live.delete(this.tmp);
  }
}

/** Run `fill` against an AtomicFile; commit on success, remove the partial file on failure. */
export function writeAtomically(path: string, fill: (f: AtomicFile) => void): void {
  const f = new AtomicFile(path);
  try {
    fill(f);
    f.commit();
  } catch (e) {
    f.abort();
    throw e;
  }
}
