/**
 * @module formats/detect
 * What kind of weight file is this? Decided by content (magic numbers, header shape), never by the
 * file name alone.
 */
import type { ByteSource } from "../io/byte-source.js";
import { looksLikeLlama2c } from "./llama2c/parse.js";

export type FileKind = "gguf" | "safetensors" | "zip" | "torch-legacy" | "llama2c" | "json" | "unknown";

export function detectFileKind(src: ByteSource): FileKind {
  if (src.size < 4) return "unknown";
  const head = src.read(0, Math.min(16, src.size));
  if (head[0] === 0x47 && head[1] === 0x47 && head[2] === 0x55 && head[3] === 0x46) return "gguf";
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return "zip";
  // pickle protocol 2 opening a legacy torch.save stream: \x80\x02 then the magic number as a long
  if (head[0] === 0x80 && head[1] === 0x02 && head[2] === 0x8a) return "torch-legacy";
  if (src.size >= 10 && head.length >= 9) {
    const n = new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true);
    if (n > 1n && n <= BigInt(src.size - 8) && head[8] === 0x7b) return "safetensors";
  }
  if (head[0] === 0x7b) return "json";
  if (looksLikeLlama2c(src)) return "llama2c";
  return "unknown";
}
