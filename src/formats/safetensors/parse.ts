/**
 * @module formats/safetensors/parse
 * safetensors: u64 LE header length N, N bytes of JSON, then the byte buffer. Each entry gives dtype,
 * shape and [begin, end) offsets relative to the buffer; `__metadata__` is a string-to-string map.
 * Spec: huggingface/safetensors README.md and safetensors/src/tensor.rs (validate()).
 */
import { BadInputError, check, q, UnsupportedError } from "../../errors.js";
import type { ByteSource } from "../../io/byte-source.js";
import { byteLengthOf, type ElementDtype } from "../../model/dtype.js";
import type { TensorEntry } from "../../model/tensor.js";
import { firstDuplicate, topLevelKeys } from "../json-keys.js";
import { MAX_DIMS, MAX_HEADER_BYTES, MAX_TENSORS } from "./limits.js";

const DTYPES: Readonly<Record<string, ElementDtype>> = {
  F64: "F64", F32: "F32", F16: "F16", BF16: "BF16", F8_E4M3: "F8_E4M3", F8_E5M2: "F8_E5M2",
  I8: "I8", U8: "U8", I16: "I16", U16: "U16", I32: "I32", U32: "U32", I64: "I64", U64: "U64", BOOL: "BOOL",
};
/** Dtypes the format defines that pedigree does not decode. */
const KNOWN_UNSUPPORTED = new Set(["C64", "F4", "F6_E2M3", "F6_E3M2", "F8_E8M0", "F8_E4M3FNUZ", "F8_E5M2FNUZ"]);

export interface SafetensorsFile {
  tensors: TensorEntry[];
  metadata: Record<string, string>;
  /** Byte offset where the data buffer starts. */
  dataOffset: number;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function parseSafetensors(src: ByteSource): SafetensorsFile {
  const path = src.path;
  check(src.size >= 8, path, `too small for a safetensors file (${src.size} bytes)`);
  const lenBytes = src.read(0, 8);
  const n = new DataView(lenBytes.buffer, lenBytes.byteOffset, 8).getBigUint64(0, true);
  check(n <= BigInt(src.size - 8), path, `header length ${n} runs past the end of the file (${src.size} bytes)`);
  check(n <= BigInt(MAX_HEADER_BYTES), path, `header length ${n} exceeds ${MAX_HEADER_BYTES} bytes`);
  const headerLen = Number(n);
  check(headerLen >= 2, path, "not a safetensors file (empty header)");
  const headerBytes = src.read(8, headerLen);
  check(headerBytes[0] === 0x7b, path, "not a safetensors file (header is not a JSON object)");
  let text: string;
  try {
    text = utf8.decode(headerBytes);
  } catch {
    throw new BadInputError(path, "header is not valid UTF-8");
  }
  // Counted before parsing: each entry becomes objects worth ~1 KB, so the count is the budget.
  const keys = topLevelKeys(text, MAX_TENSORS + 1);
  check(keys.length <= MAX_TENSORS + 1, path, `header declares more than ${MAX_TENSORS} tensors (limit)`);
  const dup = firstDuplicate(keys);
  check(dup === undefined, path, `header names ${q(dup ?? "")} twice (duplicate JSON key: which entry is meant is ambiguous)`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch {
    throw new BadInputError(path, "header is not valid JSON");
  }
  check(isObject(header), path, "header is not a JSON object");
  const dataOffset = 8 + headerLen;
  const bufferSize = src.size - dataOffset;

  const metadata: Record<string, string> = {};
  const tensors: TensorEntry[] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === "__metadata__") {
      check(isObject(raw), path, "__metadata__ is not an object");
      for (const [k, v] of Object.entries(raw)) {
        check(typeof v === "string", path, `__metadata__["${k}"] is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    check(name.length > 0, path, "empty tensor name");
    check(isObject(raw), path, `tensor ${q(name)}: entry is not an object`);
    const { dtype: dt, shape, data_offsets: offs } = raw;
    check(typeof dt === "string", path, `tensor ${q(name)}: dtype missing`);
    const dtype = DTYPES[dt];
    if (dtype === undefined) {
      if (KNOWN_UNSUPPORTED.has(dt)) throw new UnsupportedError(path, `tensor ${q(name)}: dtype ${dt} is not supported`);
      throw new BadInputError(path, `tensor ${q(name)}: unknown dtype "${dt.slice(0, 32)}"`);
    }
    check(Array.isArray(shape) && shape.length <= MAX_DIMS, path, `tensor ${q(name)}: shape is not an array of at most ${MAX_DIMS} dimensions`);
    let count = 1;
    for (const d of shape) {
      check(Number.isSafeInteger(d) && (d as number) >= 0, path, `tensor ${q(name)}: dimension ${String(d)} is not a non-negative integer`);
      count *= d as number;
      check(Number.isSafeInteger(count), path, `tensor ${q(name)}: element count overflows`);
    }
    check(Array.isArray(offs) && offs.length === 2 && offs.every((o) => Number.isSafeInteger(o) && (o as number) >= 0), path, `tensor ${q(name)}: data_offsets is not [begin, end]`);
    const [begin, end] = offs as [number, number];
    check(begin <= end, path, `tensor ${q(name)}: data_offsets [${begin}, ${end}] end before they begin`);
    check(end <= bufferSize, path, `tensor ${q(name)}: data [${begin}, ${end}) runs past the end of the file (buffer holds ${bufferSize} bytes)`);
    const expected = byteLengthOf(dtype, count) as number;
    check(end - begin === expected, path, `tensor ${q(name)}: ${end - begin} bytes of data for ${count} ${dtype} values (expected ${expected})`);
    tensors.push({ name, shape: shape as number[], dtype, source: src, offset: dataOffset + begin, byteLength: end - begin });
  }
  const sorted = tensors.slice().sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1] as TensorEntry;
    const cur = sorted[i] as TensorEntry;
    check(prev.offset + prev.byteLength <= cur.offset, path, `tensors ${q(prev.name)} and ${q(cur.name)} overlap`);
  }
  // As the reference validate(): the tensors tile the buffer exactly. A gap or a tail is bytes no
  // tensor accounts for (room for a payload, or a sign of a damaged file).
  let covered = 0;
  for (const t of sorted) {
    check(t.offset - dataOffset === covered, path, `bytes ${covered}..${t.offset - dataOffset} of the data buffer are not covered by any tensor (a gap before ${q(t.name)})`);
    covered += t.byteLength;
  }
  check(covered === bufferSize, path, `bytes ${covered}..${bufferSize} of the data buffer are not covered by any tensor (trailing bytes)`);
  return { tensors, metadata, dataOffset };
}
