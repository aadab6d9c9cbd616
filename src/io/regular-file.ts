/**
 * @module io/regular-file
 * Open only regular files. A FIFO, socket or device opened for reading blocks until a writer shows up
 * (or never ends), so the type is checked before the open, and the open itself is non-blocking in
 * case the path is swapped for a FIFO in between; fstat then confirms what was opened.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from "node:fs";
import { BadInputError, PedigreeError } from "../errors.js";

function kindOf(st: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (st.isDirectory()) return "a folder";
  if (st.isFIFO()) return "a FIFO (named pipe)";
  if (st.isSocket()) return "a socket";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "a device";
  return "not a regular file";
}

/** An open descriptor on a regular file and its size; errors name the file. */
export function openRegular(path: string): { fd: number; size: number } {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") throw new PedigreeError("not-found", "no such file", path);
    throw new BadInputError(path, `cannot read (${code ?? "error"})`);
  }
  if (!st.isFile()) throw new BadInputError(path, `${kindOf(st)}, not a regular file`);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new PedigreeError(code === "ENOENT" ? "not-found" : "bad-input", code === "ENOENT" ? "no such file" : `cannot open (${code ?? "error"})`, path);
  }
  const after = fstatSync(fd);
  if (!after.isFile()) {
    closeSync(fd);
    throw new BadInputError(path, `${kindOf(after)}, not a regular file`);
  }
  return { fd, size: after.size };
}

/** The whole of a small regular file, refused past `max` bytes (`what` names it in the error). */
export function readRegularFile(path: string, max: number, what: string): Buffer {
  const { fd, size } = openRegular(path);
  try {
    if (size > max) throw new BadInputError(path, `${size} bytes is too large for a ${what} (limit ${max})`);
    const buf = Buffer.alloc(size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, buf, got, size - got, got);
      if (n <= 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}
