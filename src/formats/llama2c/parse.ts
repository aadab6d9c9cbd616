/**
 * @module formats/llama2c/parse
 * llama2.c checkpoints (karpathy/llama2.c run.c, runq.c, export.py):
 * - legacy v0: 7 x int32 header (dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size,
 *   seq_len; a negative vocab_size means the classifier is NOT shared), then float32 arrays;
 * - v1 ("ak42" magic, version 1): 256-byte header, float32 arrays in another order;
 * - v2 ("ak42", version 2): 256-byte header with group_size; norms float32, matrices int8 with one
 *   float32 scale per group of values (Q8_0 with f32 scales), values and scales stored apart.
 * Q/K rows are in Meta's interleaved rotary layout; the canonical view undoes it.
 */
import { BadInputError, check } from "../../errors.js";
import type { ByteSource } from "../../io/byte-source.js";
import type { RowDecoder, TensorEntry } from "../../model/tensor.js";

export const LLAMA2C_MAGIC = 0x616b3432;
/** Bounds on header values: far above any llama2.c model, far below integer overflow. */
const MAX_DIM = 1 << 16;
const MAX_LAYERS = 1 << 10;
const MAX_VOCAB = 1 << 22;
const MAX_SEQ = 1 << 22;

export interface Llama2cHeader {
  version: 0 | 1 | 2;
  dim: number;
  hiddenDim: number;
  nLayers: number;
  nHeads: number;
  nKvHeads: number;
  vocabSize: number;
  seqLen: number;
  sharedClassifier: boolean;
  groupSize?: number;
}

export interface Llama2cFile {
  header: Llama2cHeader;
  /** Tensors named as llama2.c's model.py names them (tok_embeddings.weight, layers.N.attention.wq.weight, ...). */
  tensors: TensorEntry[];
}

function validate(path: string, h: Llama2cHeader): void {
  const ok = (v: number, max: number) => Number.isInteger(v) && v > 0 && v <= max;
  check(ok(h.dim, MAX_DIM) && ok(h.hiddenDim, MAX_DIM * 8) && ok(h.nLayers, MAX_LAYERS) && ok(h.nHeads, MAX_DIM)
    && ok(h.nKvHeads, MAX_DIM) && ok(h.vocabSize, MAX_VOCAB) && ok(h.seqLen, MAX_SEQ), path,
  `implausible llama2.c header (dim ${h.dim}, hidden ${h.hiddenDim}, layers ${h.nLayers}, heads ${h.nHeads}/${h.nKvHeads}, vocab ${h.vocabSize}, seq ${h.seqLen})`);
  check(h.dim % h.nHeads === 0, path, `dim ${h.dim} is not a multiple of n_heads ${h.nHeads}`);
  check(h.nKvHeads <= h.nHeads && h.nHeads % h.nKvHeads === 0, path, `n_kv_heads ${h.nKvHeads} does not divide n_heads ${h.nHeads}`);
}

/** Is this a llama2.c checkpoint? (Versioned by magic; legacy v0 by an exactly matching size.) */
export function looksLikeLlama2c(src: ByteSource): boolean {
  if (src.size < 28) return false;
  const b = src.read(0, 28);
  const v = new DataView(b.buffer, b.byteOffset, 28);
  if (v.getUint32(0, true) === LLAMA2C_MAGIC) return true;
  try {
    return legacyLayout(src.path, readLegacyHeader(v), src.size) !== undefined;
  } catch {
    return false;
  }
}

function readLegacyHeader(v: DataView): Llama2cHeader {
  const vocab = v.getInt32(20, true);
  return {
    version: 0, dim: v.getInt32(0, true), hiddenDim: v.getInt32(4, true), nLayers: v.getInt32(8, true),
    nHeads: v.getInt32(12, true), nKvHeads: v.getInt32(16, true), vocabSize: Math.abs(vocab),
    seqLen: v.getInt32(24, true), sharedClassifier: vocab > 0,
  };
}

interface Block { name: string; shape: number[]; count: number }

/** The float32 arrays of a v0/v1 file in storage order, one entry per (layer, matrix). */
function blocks(h: Llama2cHeader, order: "v0" | "v1"): Block[] {
  const { dim, hiddenDim: hid, nLayers: L, nHeads, nKvHeads, vocabSize: V, seqLen } = h;
  const hs = dim / nHeads;
  const kv = nKvHeads * hs;
  const perLayer = (key: string, shape: number[]): Block[] =>
    Array.from({ length: L }, (_, l) => ({ name: `layers.${l}.${key}.weight`, shape, count: shape.reduce((a, b) => a * b, 1) }));
  const one = (name: string, shape: number[]): Block => ({ name, shape, count: shape.reduce((a, b) => a * b, 1) });
  const emb = one("tok_embeddings.weight", [V, dim]);
  const attnNorm = perLayer("attention_norm", [dim]);
  const ffnNorm = perLayer("ffn_norm", [dim]);
  const mats = [
    ...perLayer("attention.wq", [dim, dim]), ...perLayer("attention.wk", [kv, dim]), ...perLayer("attention.wv", [kv, dim]),
    ...perLayer("attention.wo", [dim, dim]),
  ];
  const ffn = [...perLayer("feed_forward.w1", [hid, dim]), ...perLayer("feed_forward.w2", [dim, hid]), ...perLayer("feed_forward.w3", [hid, dim])];
  const final = one("norm.weight", [dim]);
  const cls = h.sharedClassifier ? [] : [one("output.weight", [V, dim])];
  if (order === "v0") {
    const freqs = one("freq_cis", [2 * seqLen * (hs / 2)]);
    return [emb, ...attnNorm, ...mats, ...ffnNorm, ...ffn, final, freqs, ...cls];
  }
  return [...attnNorm, ...ffnNorm, final, emb, ...mats, ...ffn, ...cls];
}

function legacyLayout(path: string, h: Llama2cHeader, size: number): Block[] | undefined {
  validate(path, h);
  const bl = blocks(h, "v0");
  const total = 28 + 4 * bl.reduce((a, b) => a + b.count, 0);
  if (total === size) return bl;
  // Some exporters mark a shared classifier but still append one: accept the exact alternative.
  return undefined;
}

function layoutF32(src: ByteSource, bl: Block[], start: number): TensorEntry[] {
  const out: TensorEntry[] = [];
  let off = start;
  for (const b of bl) {
    if (b.name !== "freq_cis") out.push({ name: b.name, shape: b.shape, dtype: "F32", source: src, offset: off, byteLength: 4 * b.count });
    off += 4 * b.count;
  }
  check(off === src.size, src.path, `llama2.c file size ${src.size} does not match its header (expected ${off} bytes)`);
  return out;
}

/** int8 values of one matrix followed by its float32 group scales (export.py version 2). */
class GroupQ8Decoder implements RowDecoder {
  readonly label: string;
  constructor(
    private readonly src: ByteSource,
    private readonly qOffset: number,
    private readonly sOffset: number,
    private readonly cols: number,
    private readonly group: number,
  ) {
    this.label = `Q8_0 (llama2.c int8, group ${group})`;
  }
  read(row0: number, n: number, out: Float32Array): void {
    const first = row0 * this.cols;
    const count = n * this.cols;
    const q = this.src.read(this.qOffset + first, count);
    const g0 = Math.floor(first / this.group);
    const g1 = Math.floor((first + count - 1) / this.group);
    const sb = this.src.read(this.sOffset + 4 * g0, 4 * (g1 - g0 + 1));
    const scales = new DataView(sb.buffer, sb.byteOffset, sb.byteLength);
    for (let i = 0; i < count; i++) {
      const g = Math.floor((first + i) / this.group) - g0;
      out[i] = (((q[i] as number) << 24) >> 24) * scales.getFloat32(4 * g, true);
    }
  }
}

function layoutV2(src: ByteSource, h: Llama2cHeader): TensorEntry[] {
  const all = blocks(h, "v1");
  const out: TensorEntry[] = [];
  let off = 256;
  const gs = h.groupSize as number;
  for (const b of all) {
    const isNorm = b.shape.length === 1;
    if (isNorm) {
      out.push({ name: b.name, shape: b.shape, dtype: "F32", source: src, offset: off, byteLength: 4 * b.count });
      off += 4 * b.count;
      continue;
    }
    check(b.count % gs === 0, src.path, `${b.name}: ${b.count} values are not a whole number of groups of ${gs}`);
    const nScales = b.count / gs;
    check(off + b.count + 4 * nScales <= src.size, src.path, `truncated: ${b.name} runs past the end of the file`);
    const decoder = new GroupQ8Decoder(src, off, off + b.count, b.shape[1] as number, gs);
    out.push({ name: b.name, shape: b.shape, dtype: "I8", source: src, offset: off, byteLength: b.count + 4 * nScales, decoder });
    off += b.count + 4 * nScales;
  }
  check(off === src.size, src.path, `llama2.c v2 file size ${src.size} does not match its header (expected ${off} bytes)`);
  return out;
}

export function parseLlama2c(src: ByteSource): Llama2cFile {
  const path = src.path;
  check(src.size >= 28, path, `too small for a llama2.c checkpoint (${src.size} bytes)`);
  const head = src.read(0, Math.min(256, src.size));
  const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (v.getUint32(0, true) !== LLAMA2C_MAGIC) {
    const h = readLegacyHeader(v);
    const bl = legacyLayout(path, h, src.size);
    if (!bl) {
      const expected = 28 + 4 * blocks(h, "v0").reduce((a, b) => a + b.count, 0);
      throw new BadInputError(path, `llama2.c file size ${src.size} does not match its header (expected ${expected} bytes)`);
    }
    return { header: h, tensors: layoutF32(src, bl, 28) };
  }
  check(src.size >= 256, path, "truncated llama2.c header (needs 256 bytes)");
  const version = v.getInt32(4, true);
  check(version === 1 || version === 2, path, `unsupported llama2.c export version ${version}`);
  const h: Llama2cHeader = {
    version: version as 1 | 2, dim: v.getInt32(8, true), hiddenDim: v.getInt32(12, true), nLayers: v.getInt32(16, true),
    nHeads: v.getInt32(20, true), nKvHeads: v.getInt32(24, true), vocabSize: v.getInt32(28, true), seqLen: v.getInt32(32, true),
    sharedClassifier: v.getUint8(36) !== 0,
  };
  validate(path, h);
  if (version === 1) return { header: h, tensors: layoutF32(src, blocks(h, "v1"), 256) };
  const gs = v.getInt32(37, true);
  check(gs > 0 && gs <= 1 << 16, path, `implausible group size ${gs}`);
  h.groupSize = gs;
  return { header: h, tensors: layoutV2(src, h) };
}
