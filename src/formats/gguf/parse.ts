/**
 * @module formats/gguf/parse
 * GGUF v2/v3 (little-endian): header, metadata (every value type, nested arrays), tensor infos, and
 * the data blob's position. Spec: ggml-org/ggml docs/gguf.md; reference reader src/gguf.cpp.
 * Only the header is read here; tensor bytes stay in the file until a caller reads rows.
 */
import { BadInputError, check, q, UnsupportedError } from "../../errors.js";
import type { ByteSource } from "../../io/byte-source.js";
import { byteLengthOf, dtypeInfo } from "../../model/dtype.js";
import type { TensorEntry } from "../../model/tensor.js";
import { ggmlTypeName, retiredTypeName } from "./ggml-types.js";
import { MAX_ALIGNMENT, MAX_ARRAY_DEPTH, MAX_DIMS, MAX_KV, MAX_METADATA_MEMORY, MAX_NAME_BYTES, MAX_STRING_BYTES, MAX_TENSORS, NUMBER_COST, STRING_COST, TENSOR_COST } from "./limits.js";
import { Cursor } from "./cursor.js";

/** gguf_type: the wire type of a metadata value. */
export enum GgufType {
  UINT8 = 0, INT8 = 1, UINT16 = 2, INT16 = 3, UINT32 = 4, INT32 = 5, FLOAT32 = 6, BOOL = 7,
  STRING = 8, ARRAY = 9, UINT64 = 10, INT64 = 11, FLOAT64 = 12,
}

/** A metadata value: numbers (64-bit integers as bigint when beyond 2^53), strings, booleans, arrays. */
export type GgufScalar = number | bigint | string | boolean;
export type GgufValue = GgufScalar | GgufValue[];

export interface GgufEntry {
  type: GgufType;
  /** For arrays: the element type (ARRAY again for nested arrays). */
  itemType?: GgufType;
  value: GgufValue;
}

export interface GgufFile {
  version: number;
  metadata: Map<string, GgufEntry>;
  tensors: TensorEntry[];
  /** ggml type id per tensor, in file order. */
  alignment: number;
  dataOffset: number;
}

const SCALAR_SIZE: Partial<Record<GgufType, number>> = {
  [GgufType.UINT8]: 1, [GgufType.INT8]: 1, [GgufType.BOOL]: 1, [GgufType.UINT16]: 2, [GgufType.INT16]: 2,
  [GgufType.UINT32]: 4, [GgufType.INT32]: 4, [GgufType.FLOAT32]: 4,
  [GgufType.UINT64]: 8, [GgufType.INT64]: 8, [GgufType.FLOAT64]: 8,
};

/** The memory budget of one file's metadata: every value read is charged before it is allocated. */
class Budget {
  private left = MAX_METADATA_MEMORY;
  constructor(private readonly path: string) {}
  charge(bytes: number, what: string): void {
    this.left -= bytes;
    check(this.left >= 0, this.path, `${what}: metadata would need more than ${MAX_METADATA_MEMORY >> 20} MB of memory (limit); refusing`);
  }
}

function readValue(c: Cursor, type: number, depth: number, what: string, budget: Budget): GgufEntry {
  switch (type) {
    case GgufType.UINT8: return { type, value: c.u8() };
    case GgufType.INT8: return { type, value: c.i8() };
    case GgufType.UINT16: return { type, value: c.u16() };
    case GgufType.INT16: return { type, value: c.i16() };
    case GgufType.UINT32: return { type, value: c.u32() };
    case GgufType.INT32: return { type, value: c.i32() };
    case GgufType.FLOAT32: return { type, value: c.f32() };
    case GgufType.FLOAT64: return { type, value: c.f64() };
    case GgufType.UINT64: return { type, value: narrow(c.u64big()) };
    case GgufType.INT64: return { type, value: narrow(c.i64big()) };
    case GgufType.BOOL: {
      const b = c.u8();
      check(b === 0 || b === 1, c.path, `${what}: bool value ${b} is neither 0 nor 1`);
      return { type, value: b === 1 };
    }
    case GgufType.STRING: {
      const value = c.string(MAX_STRING_BYTES, what);
      budget.charge(STRING_COST + 2 * value.length, what);
      return { type, value };
    }
    case GgufType.ARRAY: {
      check(depth < MAX_ARRAY_DEPTH, c.path, `${what}: arrays nested deeper than ${MAX_ARRAY_DEPTH}`);
      const itemType = c.u32();
      check(itemType <= GgufType.FLOAT64, c.path, `${what}: unknown array element type ${itemType}`);
      const count = c.count(what);
      // Every element takes at least one byte (8 for strings and arrays): refuse counts the file cannot hold.
      const minSize = SCALAR_SIZE[itemType as GgufType] ?? (itemType === GgufType.ARRAY ? 12 : 8);
      check(count * minSize <= c.remaining(), c.path, `${what}: array of ${count} elements is longer than the rest of the file`);
      // Strings are charged as they are read; their headers, and every other element, up front.
      budget.charge(count * (itemType === GgufType.STRING ? STRING_COST : NUMBER_COST), what);
      const items: GgufValue[] = new Array(count);
      for (let i = 0; i < count; i++) items[i] = readValue(c, itemType, depth + 1, what, budget).value;
      return { type, itemType, value: items };
    }
    default:
      throw new BadInputError(c.path, `${what}: unknown metadata value type ${type}`);
  }
}

function narrow(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** Parse a GGUF header from `src`. Throws BadInputError naming the file for anything malformed. */
export function parseGguf(src: ByteSource): GgufFile {
  const path = src.path;
  check(src.size >= 24, path, `too small for a GGUF file (${src.size} bytes)`);
  const c = new Cursor(src);
  const magic = c.bytes(4);
  check(magic[0] === 0x47 && magic[1] === 0x47 && magic[2] === 0x55 && magic[3] === 0x46, path, "not a GGUF file (wrong magic)");
  const version = c.u32();
  if ((version & 0xffff) === 0 && version !== 0) throw new UnsupportedError(path, "big-endian GGUF files are not supported");
  if (version === 1) throw new UnsupportedError(path, "GGUF version 1 is obsolete and not supported (re-convert with a current llama.cpp)");
  check(version === 2 || version === 3, path, `unsupported GGUF version ${version}`);
  const tensorCount = c.count("tensor count");
  const kvCount = c.count("metadata count");
  check(tensorCount <= MAX_TENSORS, path, `absurd tensor count ${tensorCount}`);
  check(kvCount <= MAX_KV, path, `absurd metadata count ${kvCount}`);
  check(tensorCount * 24 + kvCount * 13 <= c.remaining(), path, `header declares ${tensorCount} tensors and ${kvCount} metadata entries, more than the file can hold`);

  const metadata = new Map<string, GgufEntry>();
  const budget = new Budget(path);
  for (let i = 0; i < kvCount; i++) {
    const key = c.string(65535, `metadata key #${i}`);
    check(key.length > 0, path, `metadata key #${i} is empty`);
    check(!metadata.has(key), path, `duplicate metadata key ${q(key)}`);
    const type = c.u32();
    metadata.set(key, readValue(c, type, 0, `metadata ${q(key)}`, budget));
  }

  let alignment = 32;
  const al = metadata.get("general.alignment");
  if (al !== undefined) {
    check(al.type === GgufType.UINT32, path, "general.alignment must be a UINT32");
    const a = al.value as number;
    check(a > 0 && (a & (a - 1)) === 0 && a <= MAX_ALIGNMENT, path, `general.alignment ${a} is not a power of two up to ${MAX_ALIGNMENT}`);
    alignment = a;
  }

  interface Info { name: string; shape: number[]; typeId: number; offset: number }
  const infos: Info[] = [];
  const names = new Set<string>();
  for (let i = 0; i < tensorCount; i++) {
    const name = c.string(MAX_NAME_BYTES, `tensor name #${i}`);
    check(name.length > 0, path, `empty tensor name (tensor #${i})`);
    budget.charge(TENSOR_COST + 2 * name.length, `tensor name #${i}`);
    check(!names.has(name), path, `duplicate tensor name ${q(name)}`);
    names.add(name);
    const nDims = c.u32();
    check(nDims <= MAX_DIMS, path, `tensor ${q(name)}: ${nDims} dimensions (at most ${MAX_DIMS})`);
    const ne: number[] = [];
    for (let d = 0; d < nDims; d++) {
      const v = c.u64big();
      check(v <= BigInt(Number.MAX_SAFE_INTEGER), path, `tensor ${q(name)}: dimension ${d} is ${v}, too large`);
      ne.push(Number(v));
    }
    const typeId = c.u32();
    const offBig = c.u64big();
    check(offBig <= BigInt(Number.MAX_SAFE_INTEGER), path, `tensor ${q(name)}: data offset ${offBig} too large`);
    infos.push({ name, shape: ne.slice().reverse(), typeId, offset: Number(offBig) });
  }
  const dataOffset = tensorCount > 0 ? Math.ceil(c.position / alignment) * alignment : c.position;
  check(dataOffset <= src.size, path, `truncated: tensor data would start at byte ${dataOffset}, file has ${src.size}`);

  const tensors: TensorEntry[] = [];
  for (const info of infos) {
    const dtype = ggmlTypeName(info.typeId);
    if (dtype === undefined) {
      const retired = retiredTypeName(info.typeId);
      throw new BadInputError(path, retired
        ? `tensor ${q(info.name)}: ggml type ${info.typeId} (${retired}) was retired and is never valid in a file`
        : `tensor ${q(info.name)}: unknown ggml type id ${info.typeId}`);
    }
    let count = 1;
    for (const d of info.shape) {
      count *= d;
      check(Number.isSafeInteger(count), path, `tensor ${q(info.name)}: element count overflows`);
    }
    const rowLen = info.shape.length ? (info.shape[info.shape.length - 1] as number) : 1;
    const bs = dtypeInfo(dtype).blockSize;
    check(rowLen % bs === 0, path, `tensor ${q(info.name)}: row length ${rowLen} is not a multiple of ${dtype}'s block size ${bs}`);
    const byteLength = byteLengthOf(dtype, count) as number;
    check(info.offset % alignment === 0, path, `tensor ${q(info.name)}: offset ${info.offset} is not aligned to ${alignment}`);
    check(dataOffset + info.offset + byteLength <= src.size, path, `tensor ${q(info.name)}: data (${byteLength} bytes at ${dataOffset + info.offset}) runs past the end of the file (${src.size})`);
    tensors.push({ name: info.name, shape: info.shape, dtype, source: src, offset: dataOffset + info.offset, byteLength });
  }
  const sorted = tensors.slice().sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1] as TensorEntry;
    const cur = sorted[i] as TensorEntry;
    check(prev.offset + prev.byteLength <= cur.offset, path, `tensors ${q(prev.name)} and ${q(cur.name)} overlap`);
  }
  return { version, metadata, tensors, alignment, dataOffset };
}

/** Metadata as plain values (for reports and JSON). */
export function plainMetadata(meta: Map<string, GgufEntry>): Record<string, GgufValue> {
  const out: Record<string, GgufValue> = {};
  for (const [k, e] of meta) out[k] = e.value;
  return out;
}
