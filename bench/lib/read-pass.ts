/**
 * One end-to-end read of a weight file as `pedigree` reads it: open, detect, parse the header, then every
 * row of every tensor (or of every `parts`-th tensor, starting at `part`) through readRows in bounded
 * chunks, dequantizing every value to float32. Used by bench/read.ts in its own process and in workers.
 */
import { detectFileKind } from "../../src/formats/detect.js";
import { parseGguf } from "../../src/formats/gguf/parse.js";
import { parseSafetensors } from "../../src/formats/safetensors/parse.js";
import { FileSource } from "../../src/io/byte-source.js";
import { readRows, rowCount, rowLength, type TensorEntry } from "../../src/model/tensor.js";

export interface PassResult {
  /** Tensor bytes read (the input the MB/s figures count). */
  bytes: number;
  /** float32 values produced. */
  values: number;
  tensors: number;
  seconds: number;
  /** CPU seconds (user + system) the whole process used meanwhile: below `seconds` when other work held the core. */
  cpuSeconds: number;
  /** Sum, sum of squares and count of a sample (the first 256 values of every chunk), to show real values came out. */
  sampleSum: number;
  sampleSq: number;
  sampleN: number;
}

/** Default values per readRows call (1 MiB of float32 output). */
export const DEFAULT_CHUNK_VALUES = 1 << 18;

export function readPass(path: string, part: number, parts: number, chunkValues: number): PassResult {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const src = new FileSource(path);
  const r: PassResult = { bytes: 0, values: 0, tensors: 0, seconds: 0, cpuSeconds: 0, sampleSum: 0, sampleSq: 0, sampleN: 0 };
  try {
    const kind = detectFileKind(src);
    let tensors: TensorEntry[];
    if (kind === "gguf") tensors = parseGguf(src).tensors;
    else if (kind === "safetensors") tensors = parseSafetensors(src).tensors;
    else throw new Error(`${path}: ${kind}, not a GGUF or safetensors file`);
    tensors = tensors.slice().sort((a, b) => a.offset - b.offset);
    let out = new Float32Array(0);
    for (let ti = part; ti < tensors.length; ti += parts) {
      const t = tensors[ti] as TensorEntry;
      const rows = rowCount(t.shape);
      const cols = rowLength(t.shape);
      const step = Math.max(1, Math.floor(chunkValues / cols));
      if (out.length < step * cols) out = new Float32Array(step * cols);
      for (let row = 0; row < rows; row += step) {
        const m = Math.min(step, rows - row);
        const values = readRows(t, row, m, out.subarray(0, m * cols));
        const k = Math.min(256, values.length);
        for (let i = 0; i < k; i++) {
          const v = values[i] as number;
          r.sampleSum += v;
          r.sampleSq += v * v;
        }
        r.sampleN += k;
      }
      r.bytes += t.byteLength;
      r.values += rows * cols;
      r.tensors++;
    }
  } finally {
    src.close();
  }
  r.seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  r.cpuSeconds = (c.user + c.system) / 1e6;
  return r;
}

export function sampleStd(r: Pick<PassResult, "sampleSum" | "sampleSq" | "sampleN">): number {
  if (r.sampleN === 0) return NaN;
  const mean = r.sampleSum / r.sampleN;
  return Math.sqrt(Math.max(0, r.sampleSq / r.sampleN - mean * mean));
}
