/**
 * @module model/tensor
 * A tensor as a file stores it: name, shape, dtype and where its bytes are. Reading gives float32,
 * a range of rows at a time, so that no tensor is ever held whole unless the caller asks for it.
 * Rows run along the last (contiguous) dimension; a 1-D tensor is one row.
 */
import { BadInputError, PedigreeError } from "../errors.js";
import type { ByteSource } from "../io/byte-source.js";
import { dtypeInfo, type Dtype } from "./dtype.js";

export interface TensorEntry {
  /** Name in the file. */
  readonly name: string;
  /** Dimensions, outermost first (PyTorch/NumPy order); the last is contiguous. */
  readonly shape: readonly number[];
  readonly dtype: Dtype;
  readonly source: ByteSource;
  /** Byte offset of element 0 within source. */
  readonly offset: number;
  /** Bytes the tensor spans in source. */
  readonly byteLength: number;
  /** Element strides, outermost first, when the storage is not row-major contiguous (PyTorch views). */
  readonly strides?: readonly number[];
  /** For layouts no dtype describes (llama2.c's int8 export keeps values and scales apart). */
  readonly decoder?: RowDecoder;
}

export interface RowDecoder {
  /** How the values are stored, for reports (e.g. "Q8_0 (llama2.c int8, group 32)"). */
  readonly label: string;
  read(row0: number, n: number, out: Float32Array): void;
}

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Number of rows: every dimension but the last (1 for scalars and vectors). */
export function rowCount(shape: readonly number[]): number {
  return shape.length <= 1 ? 1 : numel(shape.slice(0, -1));
}

/** Length of a row: the last dimension (1 for a scalar). */
export function rowLength(shape: readonly number[]): number {
  return shape.length === 0 ? 1 : (shape[shape.length - 1] as number);
}

export function rowBytes(t: TensorEntry): number {
  const info = dtypeInfo(t.dtype);
  return (rowLength(t.shape) / info.blockSize) * info.blockBytes;
}

function isContiguous(t: TensorEntry): boolean {
  if (!t.strides) return true;
  let expect = 1;
  for (let i = t.shape.length - 1; i >= 0; i--) {
    if ((t.shape[i] as number) !== 1 && t.strides[i] !== expect) return false;
    expect *= t.shape[i] as number;
  }
  return true;
}

/** Rows [row0, row0 + n) of `t` as float32, row-major. */
export function readRows(t: TensorEntry, row0: number, n: number, into?: Float32Array): Float32Array {
  const rows = rowCount(t.shape);
  const cols = rowLength(t.shape);
  if (row0 < 0 || n < 0 || row0 + n > rows) {
    throw new PedigreeError("internal", `rows ${row0}+${n} out of range for ${t.name} (${rows} rows)`, t.source.path);
  }
  const out = into ?? new Float32Array(n * cols);
  if (n === 0) return out;
  if (t.decoder) {
    t.decoder.read(row0, n, out);
    return out;
  }
  if (!isContiguous(t)) return gatherStrided(t, row0, n, out);
  const info = dtypeInfo(t.dtype);
  const rb = rowBytes(t);
  const blocksPerRow = cols / info.blockSize;
  // Read in bounded chunks so a huge row range never becomes one huge allocation.
  const rowsPerChunk = Math.max(1, Math.floor(CHUNK_BYTES / Math.max(rb, 1)));
  for (let r = 0; r < n; r += rowsPerChunk) {
    const m = Math.min(rowsPerChunk, n - r);
    const bytes = readChunk(t.source, t.offset + (row0 + r) * rb, m * rb);
    info.decode(bytes, out.subarray(r * cols, (r + m) * cols), m * blocksPerRow);
  }
  return out;
}

/**
 * Bytes readRows reads and decodes at a time (whole rows; a single larger row is read whole): small
 * enough that the decoder finds them still in cache after the read copied them in.
 */
const CHUNK_BYTES = 1 << 20;
/**
 * The buffer those reads go into, reused from call to call: reading into a fresh allocation costs
 * 2-3x the read itself (new pages faulted in, then garbage). readRows is synchronous and decoders keep
 * nothing, so one buffer per module instance (per thread) is safe.
 */
let scratch: Uint8Array | undefined;

function readChunk(src: ByteSource, offset: number, length: number): Uint8Array {
  if (length > CHUNK_BYTES) return src.read(offset, length);
  if (scratch === undefined || scratch.length < length) scratch = new Uint8Array(CHUNK_BYTES);
  const bytes = scratch.subarray(0, length);
  src.readInto(offset, bytes);
  return bytes;
}

/** The whole tensor as float32 (callers keep this to tensors that fit comfortably in memory). */
export function readTensor(t: TensorEntry): Float32Array {
  return readRows(t, 0, rowCount(t.shape));
}

/** Iterate over a tensor in chunks of whole rows: yields [firstRow, values]. */
export function* iterateRows(t: TensorEntry, chunkRows: number): Generator<[number, Float32Array]> {
  const rows = rowCount(t.shape);
  for (let r = 0; r < rows; r += chunkRows) {
    const n = Math.min(chunkRows, rows - r);
    yield [r, readRows(t, r, n)];
  }
}

function gatherStrided(t: TensorEntry, row0: number, n: number, out: Float32Array): Float32Array {
  const info = dtypeInfo(t.dtype);
  if (info.blockSize !== 1) throw new BadInputError(t.source.path, `tensor ${t.name}: strided view of a block-quantized type`);
  const strides = t.strides as readonly number[];
  const span = t.byteLength / info.blockBytes; // elements the storage window holds
  const all = new Float32Array(span);
  const chunk = Math.floor((16 << 20) / info.blockBytes);
  for (let e = 0; e < span; e += chunk) {
    const m = Math.min(chunk, span - e);
    info.decode(t.source.read(t.offset + e * info.blockBytes, m * info.blockBytes), all.subarray(e, e + m), m);
  }
  const cols = rowLength(t.shape);
  const dims = t.shape.length;
  const idx = new Array<number>(dims).fill(0);
  for (let r = 0; r < n; r++) {
    // unravel the row index over the leading dims
    let rem = row0 + r;
    let base = 0;
    for (let d = dims - 2; d >= 0; d--) {
      const size = t.shape[d] as number;
      idx[d] = rem % size;
      rem = Math.floor(rem / size);
      base += (idx[d] as number) * (strides[d] as number);
    }
    const cs = dims === 0 ? 0 : (strides[dims - 1] as number);
    for (let c = 0; c < cols; c++) {
      const at = base + c * cs;
      if (at < 0 || at >= span) throw new BadInputError(t.source.path, `tensor ${t.name}: stride reaches outside its storage`);
      out[r * cols + c] = all[at] as number;
    }
  }
  return out;
}
