/**
 * The quant kernels against ggml itself: ../shared/testvectors/ggml-quants holds tensors quantized by
 * ggml_quantize_chunk (`<type>.gguf`), ggml's own dequantization of them (`<type>.expected.gguf`), and the
 * float32 inputs (`source_f32.gguf`). Decoding must match ggml bit for bit; the quantizers must write
 * ggml's bytes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
// The test reads ggml's GGUF files; numeric/ code itself never depends on formats/ (tests may).
import { parseGguf } from "../../formats/gguf/parse.js";
import { FileSource } from "../../io/byte-source.js";
import { readRows, rowCount, type TensorEntry } from "../../model/tensor.js";
import { sharedPath } from "../../test-support/shared.js";
import { wasmDotsAvailable } from "../wasm/dots.js";
import { QUANT_KERNELS, type QuantDtype } from "./index.js";
import { dequantizeQ2KJs } from "./q2_k.js";
import { dequantizeQ3KJs } from "./q3_k.js";
import { dequantizeQ4KJs } from "./q4_k.js";
import { dequantizeQ5KJs } from "./q5_k.js";
import { dequantizeQ6KJs } from "./q6_k.js";

/** Every type of the test vectors, by file stem, with the dtype its 2-D tensors must have. */
const VECTORS: Record<string, string> = {
  f16: "F16", bf16: "BF16",
  q4_0: "Q4_0", q4_1: "Q4_1", q5_0: "Q5_0", q5_1: "Q5_1", q8_0: "Q8_0",
  q2_K: "Q2_K", q3_K: "Q3_K", q4_K: "Q4_K", q5_K: "Q5_K", q6_K: "Q6_K",
  iq1_s: "IQ1_S", iq1_m: "IQ1_M", iq2_xxs: "IQ2_XXS", iq2_xs: "IQ2_XS", iq2_s: "IQ2_S",
  iq3_xxs: "IQ3_XXS", iq3_s: "IQ3_S", iq4_nl: "IQ4_NL", iq4_xs: "IQ4_XS",
  tq1_0: "TQ1_0", tq2_0: "TQ2_0", mxfp4: "MXFP4", nvfp4: "NVFP4", q1_0: "Q1_0", q2_0: "Q2_0",
};

/** Types whose quantizer must reproduce ggml_quantize_chunk's bytes (no importance matrix). */
const QUANTIZED = [
  "q4_0", "q4_1", "q5_0", "q5_1", "q8_0", "q2_K", "q3_K", "q4_K", "q5_K", "q6_K",
  "iq4_nl", "iq4_xs", "tq1_0", "tq2_0", "mxfp4", "nvfp4", "q1_0", "q2_0",
];

function open(stem: string): TensorEntry[] {
  return parseGguf(new FileSource(sharedPath("testvectors", "ggml-quants", `${stem}.gguf`))).tensors;
}

function all(t: TensorEntry): Float32Array {
  return readRows(t, 0, rowCount(t.shape));
}

function kernelOf(dtype: string): (typeof QUANT_KERNELS)[QuantDtype] {
  const k = QUANT_KERNELS[dtype as QuantDtype];
  assert.ok(k, `no kernel for ${dtype}`);
  return k;
}

/** Index of the first differing 32-bit pattern, or -1. */
function firstBitDifference(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return i;
  return -1;
}

test("the registry holds a kernel for every ggml block type, under its own name", () => {
  const names = Object.keys(QUANT_KERNELS);
  assert.equal(names.length, 27);
  for (const [name, k] of Object.entries(QUANT_KERNELS)) {
    assert.equal(k.name, name);
    assert.ok(k.blockSize > 0 && k.blockBytes > 0);
  }
  // sizes of ggml's block structs (ggml-common.h static_asserts)
  const bytes: Record<string, [number, number]> = {
    Q4_0: [32, 18], Q4_1: [32, 20], Q5_0: [32, 22], Q5_1: [32, 24], Q8_0: [32, 34], Q8_1: [32, 36],
    Q2_K: [256, 84], Q3_K: [256, 110], Q4_K: [256, 144], Q5_K: [256, 176], Q6_K: [256, 210], Q8_K: [256, 292],
    IQ1_S: [256, 50], IQ1_M: [256, 56], IQ2_XXS: [256, 66], IQ2_XS: [256, 74], IQ2_S: [256, 82],
    IQ3_XXS: [256, 98], IQ3_S: [256, 110], IQ4_NL: [32, 18], IQ4_XS: [256, 136],
    TQ1_0: [256, 54], TQ2_0: [256, 66], MXFP4: [32, 17], NVFP4: [64, 36], Q1_0: [128, 18], Q2_0: [64, 18],
  };
  for (const [name, [size, b]] of Object.entries(bytes)) {
    const k = kernelOf(name);
    assert.deepEqual([k.blockSize, k.blockBytes], [size, b], name);
  }
});

for (const [stem, dtype] of Object.entries(VECTORS)) {
  test(`${dtype} decodes bit for bit as ggml does`, () => {
    const got = open(stem);
    const want = open(`${stem}.expected`);
    assert.equal(got.length, want.length);
    let quantized = 0;
    for (const t of got) {
      const e = want.find((x) => x.name === t.name);
      assert.ok(e, `${t.name} missing from the expected file`);
      assert.equal(e.dtype, "F32");
      assert.deepEqual(t.shape, e.shape);
      if (t.shape.length === 2) {
        assert.equal(t.dtype, dtype, t.name);
        quantized++;
      }
      const a = all(t);
      const b = all(e);
      const at = firstBitDifference(a, b);
      assert.equal(at, -1, `${t.name}[${at}]: got ${a[at]}, ggml ${b[at]}`);
    }
    assert.equal(quantized, 5);
  });
}

for (const stem of QUANTIZED) {
  const dtype = VECTORS[stem] as string;
  test(`${dtype} quantizes to ggml's exact bytes`, () => {
    const k = kernelOf(dtype);
    assert.ok(k.quantize, `${dtype} has no quantizer`);
    const source = open("source_f32");
    let checked = 0;
    for (const t of open(stem)) {
      if (t.dtype !== dtype) continue;
      const s = source.find((x) => x.name === t.name);
      assert.ok(s);
      const x = all(s);
      const nBlocks = x.length / k.blockSize;
      const want = t.source.read(t.offset, t.byteLength);
      const got = new Uint8Array(nBlocks * k.blockBytes).fill(0xa5); // every byte must be written
      k.quantize(x, got, nBlocks);
      for (let b = 0; b < nBlocks; b++) {
        const g = got.subarray(b * k.blockBytes, (b + 1) * k.blockBytes);
        const w = want.subarray(b * k.blockBytes, (b + 1) * k.blockBytes);
        assert.deepEqual(g, w, `${t.name} block ${b}`);
      }
      checked++;
    }
    assert.equal(checked, 5);
  });
}

test("decoding does not depend on the alignment of either buffer, nor on how blocks are split", () => {
  for (const [stem, dtype] of Object.entries(VECTORS)) {
    if (dtype === "F16" || dtype === "BF16") continue;
    const k = kernelOf(dtype);
    const t = open(stem).find((x) => x.dtype === dtype) as TensorEntry;
    const bytes = t.source.read(t.offset, t.byteLength);
    const nBlocks = bytes.length / k.blockBytes;
    const ref = new Float32Array(nBlocks * k.blockSize);
    k.dequantize(bytes, ref, nBlocks);
    for (const shift of [1, 2, 3]) {
      const buf = new Uint8Array(bytes.length + 8);
      buf.set(bytes, shift);
      const out = new Float32Array(ref.length + 3).subarray(3); // a dst not at the start of its buffer
      const half = Math.floor(nBlocks / 2);
      k.dequantize(buf.subarray(shift, shift + half * k.blockBytes), out, half);
      k.dequantize(buf.subarray(shift + half * k.blockBytes, shift + bytes.length), out.subarray(half * k.blockSize), nBlocks - half);
      assert.equal(firstBitDifference(out, ref), -1, `${dtype}, source offset ${shift}`);
    }
  }
});

test("Q8_1 and Q8_K (no ggml vectors: runtime types) round-trip within half a step", () => {
  const x = new Float32Array(512);
  for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 0.37) * (1 + (i % 7)) * 0.01;
  for (const name of ["Q8_1", "Q8_K"] as const) {
    const k = kernelOf(name);
    const nBlocks = x.length / k.blockSize;
    const q = new Uint8Array(nBlocks * k.blockBytes);
    k.quantize?.(x, q, nBlocks);
    const y = new Float32Array(x.length);
    k.dequantize(q, y, nBlocks);
    for (let b = 0; b < nBlocks; b++) {
      let amax = 0;
      for (let j = 0; j < k.blockSize; j++) amax = Math.max(amax, Math.abs(x[b * k.blockSize + j] as number));
      const step = amax / 127;
      for (let j = 0; j < k.blockSize; j++) {
        const i = b * k.blockSize + j;
        // half a step, plus the f16 rounding of Q8_1's scale
        assert.ok(Math.abs((y[i] as number) - (x[i] as number)) <= step * 0.5 + amax * 2 ** -10, `${name}[${i}]`);
      }
    }
  }
  // Q8_K's bsums are the sums of its 16-value groups
  const k = kernelOf("Q8_K");
  const q = new Uint8Array(2 * k.blockBytes);
  k.quantize?.(x, q, 2);
  const v = new DataView(q.buffer);
  for (let b = 0; b < 2; b++) {
    for (let g = 0; g < 16; g++) {
      let sum = 0;
      for (let i = 0; i < 16; i++) sum += v.getInt8(b * k.blockBytes + 4 + 16 * g + i);
      assert.equal(v.getInt16(b * k.blockBytes + 260 + 2 * g, true), sum);
    }
  }
});

test("K-quants: the WebAssembly decoders and the JS fallbacks give the same bits", () => {
  assert.ok(wasmDotsAvailable(), "this runtime has WebAssembly SIMD: the kernel path is the one tested against ggml above");
  let s = 99;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  for (const [k, js] of [[QUANT_KERNELS.Q2_K, dequantizeQ2KJs], [QUANT_KERNELS.Q3_K, dequantizeQ3KJs], [QUANT_KERNELS.Q4_K, dequantizeQ4KJs], [QUANT_KERNELS.Q5_K, dequantizeQ5KJs], [QUANT_KERNELS.Q6_K, dequantizeQ6KJs]] as const) {
    // quantized normals (every scale and level pattern the quantizer makes) and random bytes (any
    // pattern at all), in a count that leaves a partial chunk of the kernel
    const nb = 1500;
    const x = Float32Array.from({ length: nb * 256 }, () => (rand() - 0.5) * 0.1 * (1 + 10 * rand()));
    const quantized = new Uint8Array(nb * k.blockBytes);
    k.quantize?.(x, quantized, nb);
    const random = Uint8Array.from({ length: nb * k.blockBytes }, () => (rand() * 256) | 0);
    for (const bytes of [quantized, random]) {
      const a = new Float32Array(nb * 256);
      const b = new Float32Array(nb * 256);
      k.dequantize(bytes, a, nb);
      js(bytes, b, nb);
      // NaN payloads (from f16 NaN scales in random bytes) may differ; everything else bit for bit
      for (let i = 0; i < a.length; i++) if (!(Number.isNaN(a[i]) && Number.isNaN(b[i]))) assert.ok(Object.is(a[i], b[i]), `${k.name}[${i}]: ${a[i]} vs ${b[i]}`);
    }
  }
});
