/**
 * @module registry/lines
 * Lines of a (possibly large) text file, read synchronously in chunks so a registry transaction
 * can span the whole file: an export of many models does not fit in one JS string.
 */
import { closeSync, readSync } from "node:fs";
import { openRegular } from "../io/regular-file.js";
import { BadInputError } from "../errors.js";

const CHUNK = 1 << 20;
/** Longest line accepted: a model line is ~150 KB; this bounds memory on a hostile file. */
export const MAX_LINE = 64 << 20;

/** Standard input's name in errors. */
const STDIN = "<stdin>";

/**
 * Yields [1-based line number, text, bytes read up to the end of the line] for every line (a final
 * line without "\n" included). `file` "-" reads standard input (a pipe or a redirected file), chunk
 * by chunk like a file. Only the current line is held: memory does not grow with the file.
 */
export function* readLines(fileArg: string): Generator<[number, string, number]> {
  const stdin = fileArg === "-";
  const file = stdin ? STDIN : fileArg;
  const fd = stdin ? 0 : openRegular(fileArg).fd;
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const text = (parts: Buffer[], n: number) => {
    try {
      return decoder.decode(Buffer.concat(parts));
    } catch {
      throw new BadInputError(`${file}:${n}`, "line is not valid UTF-8");
    }
  };
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let line = 1;
    let consumed = 0;
    for (;;) {
      const got = readChunk(fd, buf);
      if (got === 0) break;
      let start = 0;
      for (;;) {
        const nl = buf.indexOf(0x0a, start);
        if (nl < 0 || nl >= got) break;
        pending.push(Buffer.from(buf.subarray(start, nl)));
        yield [line, text(pending, line), consumed + nl + 1];
        line++;
        pending = [];
        pendingBytes = 0;
        start = nl + 1;
      }
      if (start < got) {
        pending.push(Buffer.from(buf.subarray(start, got)));
        pendingBytes += got - start;
        if (pendingBytes > MAX_LINE) throw new BadInputError(`${file}:${line}`, `line is longer than ${MAX_LINE >> 20} MB`);
      }
      consumed += got;
    }
    if (pendingBytes > 0) yield [line, text(pending, line), consumed];
  } finally {
    if (!stdin) closeSync(fd);
  }
}

/** One read; a non-blocking pipe (stdin) that has nothing yet is waited on, not taken for its end. */
function readChunk(fd: number, buf: Buffer): number {
  for (;;) {
    try {
      return readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EOF") return 0;
      if (code !== "EAGAIN") throw new BadInputError(fd === 0 ? STDIN : "registry export", `cannot read (${code ?? "error"})`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}
