/**
 * The files bench/read.ts reads: a BF16 safetensors file and a Q4_K GGUF of realistic 2-D tensors
 * (rows of 4096 values, llama-like q/k/v/o and MLP shapes), values N(0, 0.02) from forge/gaussian.
 *
 * The safetensors file goes through pedigree's own writer. Q4_K through pedigree's writer means ggml's
 * reference quantizer on every block, which in JS runs at a few MB/s of output (~10 minutes for 1 GB),
 * so by default a few MB of real values are quantized once and those blocks are tiled, each copy with
 * its d/dmin scaled by a varying factor (still valid Q4_K blocks: any finite f16 d/dmin are). The reader
 * cannot tell: it dequantizes every block either way. `exact` quantizes every value instead.
 */
import { closeSync, openSync, renameSync, writeSync } from "node:fs";
import { writeGguf, gv } from "../../src/formats/gguf/write.js";
import { ggmlTypeId } from "../../src/formats/gguf/ggml-types.js";
import { GgufType } from "../../src/formats/gguf/parse.js";
import { writeSafetensors } from "../../src/formats/safetensors/write.js";
import type { TensorData } from "../../src/formats/write/tensor-data.js";
import { fillGaussian, hash32 } from "../../src/forge/gaussian.js";
import { F16_TABLE, f32ToF16 } from "../../src/numeric/half.js";
import { q4_K } from "../../src/numeric/quants/q4_k.js";

export const COLS = 4096;
const STD = 0.02;
/** Rows per generated chunk. */
const GEN_ROWS = 64;

export interface Layout {
  name: string;
  rows: number;
}

/** Llama-7B-like layers (q, k, v, o: 4096 rows; gate, up, down: 11008 rows; all 4096 wide), cut to `bytes` of `bytesPerRow`. */
export function layout(bytes: number, bytesPerRow: number, names: (layer: number) => string[]): Layout[] {
  const rowsPer = [4096, 4096, 4096, 4096, 11008, 11008, 11008];
  const out: Layout[] = [];
  let left = Math.floor(bytes / bytesPerRow);
  for (let layer = 0; left > 0; layer++) {
    const n = names(layer);
    for (let i = 0; i < rowsPer.length && left > 0; i++) {
      const rows = Math.min(rowsPer[i] as number, left);
      out.push({ name: n[i] as string, rows });
      left -= rows;
    }
  }
  return out;
}

function gaussianTensor(l: Layout, index: number, dtype: "BF16" | "Q4_K"): TensorData {
  return {
    name: l.name,
    shape: [l.rows, COLS],
    dtype,
    *chunks() {
      const buf = new Float32Array(GEN_ROWS * COLS); // the writers encode each chunk before asking for the next
      for (let r = 0; r < l.rows; r += GEN_ROWS) {
        const m = Math.min(GEN_ROWS, l.rows - r);
        const chunk = m === GEN_ROWS ? buf : buf.subarray(0, m * COLS);
        yield fillGaussian(chunk, 0x5eed + index, r * COLS, STD);
      }
    },
  };
}

/** A BF16 safetensors file of about `bytes` bytes, written by pedigree's safetensors writer. */
export function writeBf16Safetensors(path: string, bytes: number): Layout[] {
  const names = (i: number) => ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"].map((s) => `model.layers.${i}.${s}.weight`);
  const tensors = layout(bytes, COLS * 2, names);
  writeSafetensors(path, tensors.map((l, i) => gaussianTensor(l, i, "BF16")));
  return tensors;
}

const Q4K_BLOCK = 144;
const Q4K_ROW_BYTES = (COLS / 256) * Q4K_BLOCK;
const ggufNames = (i: number) => ["attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"].map((s) => `blk.${i}.${s}.weight`);

function metadata(): Map<string, ReturnType<typeof gv.str>> {
  return new Map([["general.architecture", gv.str("llama")], ["general.name", gv.str("pedigree read benchmark")]]);
}

/** A Q4_K GGUF of about `bytes` bytes, every value quantized by pedigree's writer (slow: see the module note). */
export function writeQ4kGgufExact(path: string, bytes: number): Layout[] {
  const tensors = layout(bytes, Q4K_ROW_BYTES, ggufNames);
  writeGguf(path, metadata(), tensors.map((l, i) => gaussianTensor(l, i, "Q4_K")));
  return tensors;
}

/** Quantize `blocks` blocks of N(0, 0.02) values with ggml's reference Q4_K quantizer; returns the blocks and MB/s of output. */
export function quantizeTile(blocks: number): { tile: Uint8Array; mbps: number; valuesPerSecond: number } {
  const x = fillGaussian(new Float32Array(blocks * 256), 0x7a11, 0, STD);
  const tile = new Uint8Array(blocks * Q4K_BLOCK);
  const t0 = performance.now();
  q4_K.quantize?.(x, tile, blocks);
  const s = (performance.now() - t0) / 1000;
  return { tile, mbps: tile.length / 1e6 / s, valuesPerSecond: x.length / s };
}

/** Scale the f16 at tile[o..o+1] by f into out[o..o+1] (finite, as the quantizer's d/dmin always are). */
function scaleF16(tile: Uint8Array, out: Uint8Array, o: number, f: number): void {
  const v = F16_TABLE[(tile[o] as number) | ((tile[o + 1] as number) << 8)] as number;
  const h = f32ToF16(v * f);
  out[o] = h & 0xff;
  out[o + 1] = h >> 8;
}

/**
 * A Q4_K GGUF of about `bytes` bytes from tiled `tile` blocks, each copy's d and dmin scaled by a factor
 * 2^u, u in [-0.5, 0.5), that varies block by block. The header is byte for byte what writeGguf writes.
 */
export function writeQ4kGgufTiled(path: string, bytes: number, tile: Uint8Array): Layout[] {
  const tensors = layout(bytes, Q4K_ROW_BYTES, ggufNames);
  const alignment = 32;
  // writeGguf only takes float32 values to quantize, so the header is built here, byte for byte as it lays it out
  const parts: Uint8Array[] = [];
  const u32 = (v: number) => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, v, true); parts.push(b); };
  const u64 = (v: number) => { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, BigInt(v), true); parts.push(b); };
  const str = (s: string) => { const b = new TextEncoder().encode(s); u64(b.length); parts.push(b); };
  parts.push(new TextEncoder().encode("GGUF"));
  u32(3);
  u64(tensors.length);
  const meta = metadata();
  u64(meta.size);
  for (const [k, e] of meta) {
    str(k);
    u32(GgufType.STRING);
    str(String(e.value));
  }
  let off = 0;
  for (const t of tensors) {
    str(t.name);
    u32(2);
    u64(COLS);
    u64(t.rows);
    u32(ggmlTypeId("Q4_K"));
    u64(off);
    off += Math.ceil((t.rows * Q4K_ROW_BYTES) / alignment) * alignment;
  }
  const headLen = parts.reduce((a, p) => a + p.length, 0);
  parts.push(new Uint8Array((alignment - (headLen % alignment)) % alignment));

  const fd = openSync(`${path}.partial`, "w");
  try {
    let pos = 0;
    const write = (b: Uint8Array) => {
      let done = 0;
      while (done < b.length) done += writeSync(fd, b, done, b.length - done, pos + done);
      pos += b.length;
    };
    for (const p of parts) write(p);
    const tileBlocks = tile.length / Q4K_BLOCK;
    const buf = new Uint8Array(tile.length);
    let block = 0; // running block counter across the file, for the scale factors
    for (const t of tensors) {
      let left = (t.rows * Q4K_ROW_BYTES) / Q4K_BLOCK;
      while (left > 0) {
        const n = Math.min(left, tileBlocks);
        buf.set(tile.subarray(0, n * Q4K_BLOCK));
        for (let b = 0; b < n; b++, block++) {
          const f = 2 ** (((hash32(0xb10c, block) & 255) - 128) / 256);
          scaleF16(tile, buf, b * Q4K_BLOCK, f);
          scaleF16(tile, buf, b * Q4K_BLOCK + 2, f);
        }
        write(buf.subarray(0, n * Q4K_BLOCK));
        left -= n;
      }
      const rem = pos % alignment;
      if (rem) write(new Uint8Array(alignment - rem));
    }
  } finally {
    closeSync(fd);
  }
  renameSync(`${path}.partial`, path);
  return tensors;
}
