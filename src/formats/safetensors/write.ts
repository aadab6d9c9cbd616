/**
 * @module formats/safetensors/write
 * Write safetensors (F32, F16, BF16), one file or shards with a `model.safetensors.index.json`.
 * Header JSON is padded with spaces so the data starts on an 8-byte boundary, as the reference
 * writer does. Files appear under their names only when complete.
 */
import { join } from "node:path";
import { PedigreeError } from "../../errors.js";
import { writeAtomically } from "../../io/atomic-file.js";
import { byteLengthOf } from "../../model/dtype.js";
import { encodeValues } from "../../model/encode.js";
import { numel } from "../../model/tensor.js";
import type { TensorData } from "../write/tensor-data.js";

const WRITABLE = new Set(["F32", "F16", "BF16", "F64", "I8", "U8", "I32", "I64"]);

function header(tensors: TensorData[], metadata: Record<string, string>): { json: Uint8Array; sizes: number[] } {
  const h: Record<string, unknown> = { __metadata__: metadata };
  const sizes: number[] = [];
  let off = 0;
  for (const t of tensors) {
    if (!WRITABLE.has(t.dtype)) throw new PedigreeError("unsupported", `safetensors cannot hold ${t.dtype}; use GGUF for quantized types`);
    const size = byteLengthOf(t.dtype, numel(t.shape)) as number;
    h[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [off, off + size] };
    sizes.push(size);
    off += size;
  }
  let text = JSON.stringify(h);
  text += " ".repeat((8 - ((8 + Buffer.byteLength(text)) % 8)) % 8);
  return { json: new TextEncoder().encode(text), sizes };
}

/** Write one safetensors file. */
export function writeSafetensors(path: string, tensors: TensorData[], metadata: Record<string, string> = { format: "pt" }): void {
  const { json } = header(tensors, metadata);
  writeAtomically(path, (f) => {
    const len = new Uint8Array(8);
    new DataView(len.buffer).setBigUint64(0, BigInt(json.length), true);
    f.write(len);
    f.write(json);
    // each chunk is written before the next is encoded: one output buffer serves them all
    let scratch = new Uint8Array(0);
    for (const t of tensors) {
      let count = 0;
      for (const chunk of t.chunks()) {
        const need = byteLengthOf(t.dtype, chunk.length) ?? 0;
        if (scratch.length < need) scratch = new Uint8Array(need);
        f.write(encodeValues(t.dtype, chunk, scratch));
        count += chunk.length;
      }
      if (count !== numel(t.shape)) throw new PedigreeError("internal", `tensor ${t.name}: produced ${count} values for shape [${t.shape.join(", ")}]`);
    }
  });
}

/** Write shards of at most `maxShardBytes` each plus the index; returns the file names written. */
export function writeShardedSafetensors(dir: string, tensors: TensorData[], maxShardBytes: number, metadata: Record<string, string> = { format: "pt" }): string[] {
  const groups: TensorData[][] = [[]];
  let size = 0;
  let total = 0;
  for (const t of tensors) {
    const b = byteLengthOf(t.dtype, numel(t.shape)) as number;
    const cur = groups[groups.length - 1] as TensorData[];
    if (cur.length > 0 && size + b > maxShardBytes) {
      groups.push([]);
      size = 0;
    }
    (groups[groups.length - 1] as TensorData[]).push(t);
    size += b;
    total += b;
  }
  const n = groups.length;
  const names = groups.map((_, i) => `model-${String(i + 1).padStart(5, "0")}-of-${String(n).padStart(5, "0")}.safetensors`);
  const weightMap: Record<string, string> = {};
  groups.forEach((g, i) => {
    writeSafetensors(join(dir, names[i] as string), g, metadata);
    for (const t of g) weightMap[t.name] = names[i] as string;
  });
  const index = JSON.stringify({ metadata: { total_size: total }, weight_map: weightMap }, null, 2);
  writeAtomically(join(dir, "model.safetensors.index.json"), (f) => f.write(new TextEncoder().encode(index)));
  return [...names, "model.safetensors.index.json"];
}
