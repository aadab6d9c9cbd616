/**
 * @module formats/gguf/write
 * Write GGUF v3 (little-endian): metadata of every value type, tensor infos, aligned data. Tensors
 * are encoded row chunk by row chunk, so a model of any size streams through. Spec: ggml docs/gguf.md.
 */
import { PedigreeError } from "../../errors.js";
import { writeAtomically } from "../../io/atomic-file.js";
import { byteLengthOf } from "../../model/dtype.js";
import { encodeValues } from "../../model/encode.js";
import { numel } from "../../model/tensor.js";
import type { TensorData } from "../write/tensor-data.js";
import { ggmlTypeId } from "./ggml-types.js";
import { GgufType, type GgufEntry, type GgufValue } from "./parse.js";

const enc = new TextEncoder();

class ByteBuilder {
  private parts: Uint8Array[] = [];
  length = 0;
  push(b: Uint8Array): void {
    this.parts.push(b);
    this.length += b.length;
  }
  num(type: GgufType, v: number | bigint): void {
    const size = { [GgufType.UINT8]: 1, [GgufType.INT8]: 1, [GgufType.BOOL]: 1, [GgufType.UINT16]: 2, [GgufType.INT16]: 2, [GgufType.UINT32]: 4, [GgufType.INT32]: 4, [GgufType.FLOAT32]: 4, [GgufType.UINT64]: 8, [GgufType.INT64]: 8, [GgufType.FLOAT64]: 8 }[type as number] ?? 0;
    const b = new Uint8Array(size);
    const d = new DataView(b.buffer);
    switch (type) {
      case GgufType.UINT8: case GgufType.BOOL: d.setUint8(0, Number(v)); break;
      case GgufType.INT8: d.setInt8(0, Number(v)); break;
      case GgufType.UINT16: d.setUint16(0, Number(v), true); break;
      case GgufType.INT16: d.setInt16(0, Number(v), true); break;
      case GgufType.UINT32: d.setUint32(0, Number(v), true); break;
      case GgufType.INT32: d.setInt32(0, Number(v), true); break;
      case GgufType.FLOAT32: d.setFloat32(0, Number(v), true); break;
      case GgufType.UINT64: d.setBigUint64(0, BigInt(v), true); break;
      case GgufType.INT64: d.setBigInt64(0, BigInt(v), true); break;
      case GgufType.FLOAT64: d.setFloat64(0, Number(v), true); break;
      default: throw new PedigreeError("internal", `not a numeric GGUF type: ${type}`);
    }
    this.push(b);
  }
  str(s: string): void {
    const b = enc.encode(s);
    this.num(GgufType.UINT64, BigInt(b.length));
    this.push(b);
  }
  value(type: GgufType, v: GgufValue, itemType?: GgufType): void {
    if (type === GgufType.STRING) return this.str(String(v));
    if (type === GgufType.BOOL) return this.num(type, v ? 1 : 0);
    if (type === GgufType.ARRAY) {
      if (!Array.isArray(v) || itemType === undefined) throw new PedigreeError("internal", "GGUF array without items or item type");
      this.num(GgufType.UINT32, itemType);
      this.num(GgufType.UINT64, BigInt(v.length));
      const inner = itemType === GgufType.ARRAY ? GgufType.FLOAT32 : undefined;
      for (const x of v) {
        if (itemType === GgufType.ARRAY) throw new PedigreeError("unsupported", `writing nested GGUF arrays (${inner})`);
        this.value(itemType, x);
      }
      return;
    }
    this.num(type, v as number | bigint);
  }
  concat(): Uint8Array {
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

/** Convenience constructors for metadata entries. */
export const gv = {
  str: (value: string): GgufEntry => ({ type: GgufType.STRING, value }),
  u32: (value: number): GgufEntry => ({ type: GgufType.UINT32, value }),
  i32: (value: number): GgufEntry => ({ type: GgufType.INT32, value }),
  f32: (value: number): GgufEntry => ({ type: GgufType.FLOAT32, value }),
  bool: (value: boolean): GgufEntry => ({ type: GgufType.BOOL, value }),
  strs: (value: string[]): GgufEntry => ({ type: GgufType.ARRAY, itemType: GgufType.STRING, value }),
  f32s: (value: number[]): GgufEntry => ({ type: GgufType.ARRAY, itemType: GgufType.FLOAT32, value }),
  i32s: (value: number[]): GgufEntry => ({ type: GgufType.ARRAY, itemType: GgufType.INT32, value }),
};

export function writeGguf(path: string, metadata: Map<string, GgufEntry>, tensors: TensorData[], alignment = 32): void {
  const h = new ByteBuilder();
  h.push(enc.encode("GGUF"));
  h.num(GgufType.UINT32, 3);
  h.num(GgufType.UINT64, BigInt(tensors.length));
  const meta = new Map(metadata);
  if (alignment !== 32) meta.set("general.alignment", gv.u32(alignment));
  h.num(GgufType.UINT64, BigInt(meta.size));
  for (const [k, e] of meta) {
    h.str(k);
    h.num(GgufType.UINT32, e.type);
    h.value(e.type, e.value, e.itemType);
  }
  let off = 0;
  const sizes: number[] = [];
  for (const t of tensors) {
    const size = byteLengthOf(t.dtype, numel(t.shape));
    if (size === undefined) throw new PedigreeError("usage", `tensor ${t.name}: rows of ${t.shape[t.shape.length - 1]} values are not a whole number of ${t.dtype} blocks`);
    h.str(t.name);
    h.num(GgufType.UINT32, t.shape.length);
    for (const d of t.shape.slice().reverse()) h.num(GgufType.UINT64, BigInt(d));
    h.num(GgufType.UINT32, ggmlTypeId(t.dtype));
    h.num(GgufType.UINT64, BigInt(off));
    sizes.push(size);
    off += Math.ceil(size / alignment) * alignment;
  }
  const head = h.concat();
  writeAtomically(path, (f) => {
    f.write(head);
    f.pad(alignment);
    // each chunk is written before the next is encoded: one output buffer serves them all
    let scratch = new Uint8Array(0);
    tensors.forEach((t) => {
      for (const chunk of t.chunks()) {
        const need = byteLengthOf(t.dtype, chunk.length) ?? 0;
        if (scratch.length < need) scratch = new Uint8Array(need);
        f.write(encodeValues(t.dtype, chunk, scratch));
      }
      f.pad(alignment);
    });
  });
}
