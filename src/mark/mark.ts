/**
 * @module mark/mark
 * `pedigree mark`: a copy of the master for one recipient, each weight matrix W becoming
 * W + strength · rms(row) · P with P the recipient's Rademacher pattern (mark/pattern.ts): row i
 * gains strength · rms(W_i) · P_ij. Norms, biases and other vectors are copied unchanged. The copy is
 * written by the same writers as forge (any writable format, quantized GGUF included), with the
 * master's declarations and nothing that says a mark is there.
 */
import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { PedigreeError, UsageError } from "../errors.js";
import { storedType } from "../formats/export/gguf-model.js";
import { formatForPath, writeModel, type OutputFormat } from "../formats/export/write-model.js";
import { dominantDtype, sizeOf, writeFolderAtomically } from "../forge/forge.js";
import { mapChunks } from "../forge/tensor-ops.js";
import { loadModel } from "../load-model.js";
import type { CanonicalModel } from "../model/canonical.js";
import { draftOf, rowChunks, type DraftTensor, type ModelDraft } from "../model/draft.js";
import { dtypeInfo, isDtype, type Dtype } from "../model/dtype.js";
import { canEncode } from "../model/encode.js";
import { recipientSeed, tensorSeed } from "./keys.js";
import { markBuffer, markRows } from "./kernel.js";
import { isMarkable } from "./pattern.js";

/** Default amplitude, as a fraction of each row's RMS. */
export const DEFAULT_STRENGTH = 0.005;
export const MAX_STRENGTH = 0.2;

/** One tensor with the recipient's pattern added (streamed chunk by chunk; the parent's chunks are left as they were). */
export function markTensor(t: DraftTensor, seed: Uint32Array, strength: number): DraftTensor {
  if (!isMarkable(t.shape)) return t;
  const [s0, s1] = tensorSeed(seed, t.key);
  return mapChunks(t, (c, row0, cols) => {
    const out = c.slice();
    markRows(out, row0, cols, s0, s1, strength);
    return out;
  });
}

/** A draft with every matrix marked for one recipient. */
export function markDraft(d: ModelDraft, key: Uint8Array, model: string, recipient: string, strength: number): ModelDraft {
  const seed = recipientSeed(key, model, recipient);
  return { ...d, tensors: d.tensors.map((t) => markTensor(t, seed, strength)) };
}

/**
 * A loaded master as a draft with every matrix marked as its rows are read: the rows are read into
 * one buffer, marked in place and handed to the writer, which writes each chunk before asking for
 * the next (every writer of writeModel does) — no allocation per chunk, so a 7B copy streams at
 * the speed of the arithmetic and the disk.
 */
export function markedDraftOf(m: CanonicalModel, key: Uint8Array, model: string, recipient: string, strength: number): ModelDraft {
  const d = draftOf(m);
  const seed = recipientSeed(key, model, recipient);
  let buf: Float32Array = new Float32Array(0); // in the marking kernel's memory when it runs: no copies
  const tensors = d.tensors.map((t): DraftTensor => {
    const ct = m.tensors.get(t.key);
    if (!ct || !isMarkable(t.shape) || ct.rows !== t.shape[0] || ct.cols !== t.shape[1]) return markTensor(t, seed, strength);
    const [s0, s1] = tensorSeed(seed, t.key);
    const read = (r0: number, n: number): Float32Array => {
      if (buf.length < n * ct.cols) buf = markBuffer(n * ct.cols);
      const x = ct.readRowsInto(r0, n, buf);
      markRows(x, r0, ct.cols, s0, s1, strength);
      return x;
    };
    return { key: t.key, shape: [...t.shape], chunks: () => rowChunks(ct.rows, ct.cols, read) };
  });
  return { ...d, tensors };
}

export interface MarkOptions {
  master: string;
  /** The registered model's name (part of every pattern's derivation). */
  model: string;
  recipient: string;
  key: Uint8Array;
  out: string;
  strength?: number;
  dtype?: string;
  force?: boolean;
}

export interface MarkResult {
  out: string;
  format: OutputFormat;
  dtype: Dtype;
  bytes: number;
  files: string[];
  /** sha256 of the written file (a folder: of its files' names and digests). */
  digest: string;
  strength: number;
  seconds: number;
}

/** sha256 of a file, or of a folder's files (name and digest of each, sorted). */
export function fileDigest(path: string): string {
  const st = statSync(path);
  if (!st.isDirectory()) return sha256File(path);
  const h = createHash("sha256");
  for (const f of sizeOf(path).files) h.update(`${f}\0${sha256File(join(path, f))}\n`);
  return h.digest("hex");
}

/** Streamed in 8 MB reads: a 7B copy is never held in memory. */
function sha256File(path: string): string {
  const h = createHash("sha256");
  const buf = Buffer.alloc(8 << 20);
  const fd = openSync(path, "r");
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return h.digest("hex");
}

function outputDtype(format: OutputFormat, asked: string | undefined, masterDtype: string | undefined): Dtype {
  const d = (asked ?? (format === "llama2c" ? "F32" : masterDtype ?? "F32")).toUpperCase();
  if (!isDtype(d)) throw new UsageError(`--dtype: unknown type ${d}`);
  if (format === "hf" && !["F32", "F16", "BF16"].includes(d)) {
    if (asked) throw new UsageError(`safetensors holds F32, F16 or BF16, not ${d}: write a .gguf for quantized types`);
    return "F32";
  }
  if (format === "llama2c" && d !== "F32") throw new UsageError(`llama2.c checkpoints are F32, not ${d}`);
  if (format === "gguf" && !canEncode(d)) {
    if (asked) throw new UsageError(`pedigree cannot write ${d} to GGUF`);
    return "F16";
  }
  return d;
}

/** Write a marked copy of `master` for one recipient. */
export function markModel(o: MarkOptions): MarkResult {
  const started = performance.now();
  const strength = o.strength ?? DEFAULT_STRENGTH;
  if (!(strength > 0 && strength <= MAX_STRENGTH)) throw new UsageError(`--strength must be in (0, ${MAX_STRENGTH}] (got ${strength})`);
  if (o.recipient.trim() === "") throw new UsageError("--recipient must not be empty");
  const out = resolve(o.out);
  const inPath = resolve(o.master);
  if (!existsSync(inPath)) throw new PedigreeError("not-found", "no such file or folder", o.master);
  if (inPath === out || out.startsWith(`${inPath}/`)) throw new UsageError("the output would overwrite the master: choose another -o");
  if (existsSync(out) && !o.force) throw new UsageError(`${o.out} already exists (use --force to replace it)`);
  const format = formatForPath(out);
  if (format === "gguf" && !out.endsWith(".gguf")) throw new UsageError(`a GGUF output needs a file name ending in .gguf (got ${o.out})`);
  const master = loadModel(inPath);
  try {
    const dtype = outputDtype(format, o.dtype, dominantDtype(master));
    if (format === "gguf" && dtypeInfo(dtype).quantized) {
      const misfit = [...master.tensors.values()].find((t) => t.shape.length === 2 && storedType(dtype, t.cols) === "F32");
      if (misfit && !o.dtype) throw new UsageError(`${dtype}: ${misfit.key} fits no block type; give --dtype`);
    }
    const draft = markedDraftOf(master, o.key, o.model, o.recipient, strength);
    const opts = { format, dtype, cardText: "" };
    if (format === "hf") writeFolderAtomically(out, !!o.force, (tmp) => writeModel(draft, tmp, opts));
    else {
      mkdirSync(dirname(out), { recursive: true });
      writeModel(draft, out, opts);
    }
    const w = sizeOf(out);
    return { out, format, dtype, bytes: w.bytes, files: w.files, digest: fileDigest(out), strength, seconds: (performance.now() - started) / 1000 };
  } finally {
    master.close();
  }
}
