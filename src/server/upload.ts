/**
 * @module server/upload
 * A request body streamed to a fresh folder on disk, stopped (and the folder removed) past the size
 * limit or when the client goes away: nothing of a failed upload stays behind.
 */
import { randomUUID } from "node:crypto";
import { createWriteStream, mkdirSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import { finished } from "node:stream/promises";
import { PedigreeError } from "../errors.js";

/** Weight files a single upload may be. */
const SUFFIX = /\.(gguf|safetensors|bin|pt|pth)$/i;

export class TooLargeError extends PedigreeError {
  constructor(limit: number) {
    super("bad-input", `the upload is larger than the limit of ${limit} bytes`);
  }
}

export async function saveUpload(body: ReadableStream<Uint8Array> | null, filename: string, dir: string, limit: number): Promise<{ folder: string; file: string; bytes: number }> {
  const name = basename(filename);
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (!SUFFIX.test(name) || name.length > 200 || /[\u0000-\u001f]/.test(name)) throw new PedigreeError("usage", "the upload's filename must end in .gguf, .safetensors, .bin, .pt or .pth");
  if (!body) throw new PedigreeError("usage", "the upload is empty");
  const folder = join(dir, randomUUID());
  mkdirSync(folder, { recursive: true });
  const file = join(folder, name);
  const out = createWriteStream(file);
  let bytes = 0;
  try {
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
      if (bytes > limit) {
        await reader.cancel();
        throw new TooLargeError(limit);
      }
      if (!out.write(value)) await new Promise<void>((ok) => out.once("drain", ok));
    }
    out.end();
    await finished(out);
    if (bytes === 0) throw new PedigreeError("usage", "the upload is empty");
    return { folder, file, bytes };
  } catch (e) {
    out.destroy();
    rmSync(folder, { recursive: true, force: true });
    throw e;
  }
}
