/**
 * @module model/dtype
 * Every element type pedigree reads, with its storage size and a decoder to float32. Plain element
 * types come from safetensors, PyTorch and GGUF; block-quantized types come from GGUF (numeric/quants).
 */
import { F16_TABLE, F8_E4M3_TABLE, F8_E5M2_TABLE } from "../numeric/half.js";
import { QUANT_KERNELS, type QuantDtype } from "../numeric/quants/index.js";

export type ElementDtype =
  | "F64" | "F32" | "F16" | "BF16" | "F8_E4M3" | "F8_E5M2"
  | "I8" | "U8" | "I16" | "U16" | "I32" | "U32" | "I64" | "U64" | "BOOL";

export type Dtype = ElementDtype | QuantDtype;
export type { QuantDtype };

export interface DtypeInfo {
  readonly name: Dtype;
  /** Values per block (1 for element types). */
  readonly blockSize: number;
  /** Bytes per block. */
  readonly blockBytes: number;
  readonly quantized: boolean;
  /** Decode `nBlocks` blocks from src[0..] into dst[0..]. */
  decode(src: Uint8Array, dst: Float32Array, nBlocks: number): void;
}

function view(src: Uint8Array): DataView {
  return new DataView(src.buffer, src.byteOffset, src.byteLength);
}

/** `n` 16-bit elements of `s` as a Uint16Array: a view when the offset is even, else an aligned copy. */
function u16View(s: Uint8Array, n: number): Uint16Array {
  if (s.byteOffset % 2 === 0) return new Uint16Array(s.buffer, s.byteOffset, n);
  return new Uint16Array(s.slice(0, 2 * n).buffer, 0, n);
}

/** F16_TABLE's float32 bit patterns: copying bits instead of floats keeps the hot loop integer-only. */
const F16_BITS = new Int32Array(F16_TABLE.buffer, F16_TABLE.byteOffset, 65536);

// F16 and BF16 are the bulk of every safetensors model, so these two loops are tuned (~2x the plain
// per-byte loops in V8): whole 16/32-bit loads through typed-array views (the host is little-endian,
// as Float32Array views of file bytes already assume), float32 results written as their bit patterns,
// unrolled by 4. The results are bit-identical to F16_TABLE[h] and (h << 16) per element.
function decodeF16(s: Uint8Array, d: Float32Array, n: number): void {
  const src = u16View(s, n);
  const out = new Int32Array(d.buffer, d.byteOffset, n);
  const t = F16_BITS;
  const n4 = n - (n % 4);
  let i = 0;
  for (; i < n4; i += 4) {
    out[i] = t[src[i] as number] as number;
    out[i + 1] = t[src[i + 1] as number] as number;
    out[i + 2] = t[src[i + 2] as number] as number;
    out[i + 3] = t[src[i + 3] as number] as number;
  }
  for (; i < n; i++) out[i] = t[src[i] as number] as number;
}

function decodeBf16(s: Uint8Array, d: Float32Array, n: number): void {
  const out = new Int32Array(d.buffer, d.byteOffset, n);
  let i = 0;
  if (s.byteOffset % 4 === 0) {
    // two values per 32-bit load: the low half is element 2k, the high half element 2k + 1
    const pairs = n >> 1;
    const src = new Int32Array(s.buffer, s.byteOffset, pairs);
    const p4 = pairs - (pairs % 4);
    let p = 0;
    for (; p < p4; p += 4, i += 8) {
      const a = src[p] as number;
      const b = src[p + 1] as number;
      const c = src[p + 2] as number;
      const e = src[p + 3] as number;
      out[i] = a << 16;
      out[i + 1] = a & -65536;
      out[i + 2] = b << 16;
      out[i + 3] = b & -65536;
      out[i + 4] = c << 16;
      out[i + 5] = c & -65536;
      out[i + 6] = e << 16;
      out[i + 7] = e & -65536;
    }
    for (; p < pairs; p++, i += 2) {
      const a = src[p] as number;
      out[i] = a << 16;
      out[i + 1] = a & -65536;
    }
    if (i < n) out[i] = ((s[2 * i] as number) << 16) | ((s[2 * i + 1] as number) << 24);
    return;
  }
  const src = u16View(s, n);
  for (; i < n; i++) out[i] = (src[i] as number) << 16;
}

function element(name: ElementDtype, bytes: number, decode: (src: Uint8Array, dst: Float32Array, n: number) => void): DtypeInfo {
  return { name, blockSize: 1, blockBytes: bytes, quantized: false, decode };
}

const ELEMENTS: Record<ElementDtype, DtypeInfo> = {
  F64: element("F64", 8, (s, d, n) => {
    const v = view(s);
    for (let i = 0; i < n; i++) d[i] = v.getFloat64(i * 8, true);
  }),
  F32: element("F32", 4, (s, d, n) => {
    if (s.byteOffset % 4 === 0) d.set(new Float32Array(s.buffer, s.byteOffset, n));
    else new Uint8Array(d.buffer, d.byteOffset, n * 4).set(s.subarray(0, n * 4));
  }),
  F16: element("F16", 2, decodeF16),
  BF16: element("BF16", 2, decodeBf16),
  F8_E4M3: element("F8_E4M3", 1, (s, d, n) => {
    for (let i = 0; i < n; i++) d[i] = F8_E4M3_TABLE[s[i] as number] as number;
  }),
  F8_E5M2: element("F8_E5M2", 1, (s, d, n) => {
    for (let i = 0; i < n; i++) d[i] = F8_E5M2_TABLE[s[i] as number] as number;
  }),
  I8: element("I8", 1, (s, d, n) => {
    for (let i = 0; i < n; i++) d[i] = ((s[i] as number) << 24) >> 24;
  }),
  U8: element("U8", 1, (s, d, n) => {
    for (let i = 0; i < n; i++) d[i] = s[i] as number;
  }),
  BOOL: element("BOOL", 1, (s, d, n) => {
    for (let i = 0; i < n; i++) d[i] = s[i] ? 1 : 0;
  }),
  I16: element("I16", 2, (s, d, n) => {
    const v = view(s);
    for (let i = 0; i < n; i++) d[i] = v.getInt16(2 * i, true);
  }),
  U16: element("U16", 2, (s, d, n) => {
    const v = view(s);
    for (let i = 0; i < n; i++) d[i] = v.getUint16(2 * i, true);
  }),
  I32: element("I32", 4, (s, d, n) => {
    const v = view(s);
    for (let i = 0; i < n; i++) d[i] = v.getInt32(4 * i, true);
  }),
  U32: element("U32", 4, (s, d, n) => {
    const v = view(s);
    for (let i = 0; i < n; i++) d[i] = v.getUint32(4 * i, true);
  }),
  I64: element("I64", 8, (s, d, n) => {
    const v = view(s);
    for (let i = 0; i < n; i++) d[i] = Number(v.getBigInt64(8 * i, true));
  }),
  U64: element("U64", 8, (s, d, n) => {
    const v = view(s);
    for (let i = 0; i < n; i++) d[i] = Number(v.getBigUint64(8 * i, true));
  }),
};

const TABLE = new Map<string, DtypeInfo>();
for (const info of Object.values(ELEMENTS)) TABLE.set(info.name, info);
for (const k of Object.values(QUANT_KERNELS)) {
  TABLE.set(k.name, { name: k.name as QuantDtype, blockSize: k.blockSize, blockBytes: k.blockBytes, quantized: true, decode: (s, d, n) => k.dequantize(s, d, n) });
}

export function dtypeInfo(name: Dtype): DtypeInfo {
  const info = TABLE.get(name);
  if (!info) throw new Error(`no dtype ${name}`);
  return info;
}

export function isDtype(name: string): name is Dtype {
  return TABLE.has(name);
}

/** Bytes a run of `count` values takes; undefined when count is not a whole number of blocks. */
export function byteLengthOf(dtype: Dtype, count: number): number | undefined {
  const info = dtypeInfo(dtype);
  if (count % info.blockSize !== 0) return undefined;
  return (count / info.blockSize) * info.blockBytes;
}
