/**
 * @module model/digest
 * A format-independent content digest of a canonical tensor: sha256 of its values as little-endian
 * float32 in row-major order, after layout conventions are undone and quantized values decoded.
 */
import { createHash } from "node:crypto";
import type { CanonicalTensor } from "./canonical-tensor.js";

const CHUNK_VALUES = 4 << 20;

export function f32Sha256(t: CanonicalTensor): string {
  const h = createHash("sha256");
  const rowsPerChunk = Math.max(1, Math.floor(CHUNK_VALUES / Math.max(1, t.cols)));
  for (let r = 0; r < t.rows; r += rowsPerChunk) {
    const v = t.readRows(r, Math.min(rowsPerChunk, t.rows - r));
    h.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  }
  return h.digest("hex");
}
