import assert from "node:assert/strict";
import { test } from "node:test";
import { loadModel } from "../load-model.js";
import { relMaxDiff, worstMatrixDiff } from "../test-support/compare-tensors.js";
import { sharedPath } from "../test-support/shared.js";
import { f32Sha256 } from "./digest.js";

const load = (...p: string[]) => loadModel(sharedPath(...p));

test("stories260K: .bin and .gguf canonicalize to identical tensors (same f32 digests)", () => {
  const bin = load("models", "stories260K", "stories260K.bin");
  const gguf = load("models", "stories260K", "stories260K.gguf");
  assert.equal(bin.tensors.size, 47);
  for (const [k, t] of bin.tensors) assert.equal(f32Sha256(t), f32Sha256(gguf.tensors.get(k) as never), k);
  // the GGUF stores a separate output.weight equal to the embedding
  assert.equal(f32Sha256(gguf.tensors.get("head") as never), f32Sha256(bin.tensors.get("embed") as never));
  assert.ok(bin.params.tiedEmbeddings);
  assert.deepEqual([bin.params.nHeads, bin.params.nKvHeads, bin.params.headDim, bin.params.ffn], [8, 4, 8, 172]);
});

test("stories260K: the int8 export agrees within Q8_0 error, tensor by tensor", () => {
  const bin = load("models", "stories260K", "stories260K.bin");
  const q80 = load("models", "stories260K", "stories260K_q80.bin");
  const w = worstMatrixDiff(bin, q80);
  assert.ok(w.diff < 0.006, `${w.key}: ${w.diff}`);
  assert.equal(relMaxDiff(bin, q80, "layers.0.attn_norm"), 0);
});

test("GGUF Q/K rows are un-permuted: A and its Q8_0 GGUF agree within quantization error", () => {
  const a = load("dev-families", "A");
  const q8 = load("dev-families", "A-q8");
  assert.equal(q8.format, "gguf");
  for (const k of ["layers.0.attn.q", "layers.3.attn.k", "layers.5.attn.q"]) assert.ok(relMaxDiff(a, q8, k) < 0.006, k);
  const w = worstMatrixDiff(a, q8);
  assert.ok(w.diff < 0.006, `${w.key}: ${w.diff}`);
});

test("A-bf16: another naming (transformer.h, w1/w2/c_proj) and dtype map onto A's roles", () => {
  const a = load("dev-families", "A");
  const b = load("dev-families", "A-bf16");
  assert.deepEqual([...b.tensors.keys()].sort(), [...a.tensors.keys()].sort());
  const w = worstMatrixDiff(a, b);
  assert.ok(w.diff < 2 ** -7, `${w.key}: ${w.diff}`);
});

test("Mixtral experts and router get their own roles; GGUF-quantized S agrees with S", () => {
  const moe = load("dev-families", "A-moe");
  assert.equal(moe.params.nExperts, 4);
  assert.deepEqual(moe.tensors.get("layers.2.moe.experts.3.down")?.shape, [128, 352]);
  assert.deepEqual(moe.tensors.get("layers.0.moe.router")?.shape, [4, 128]);
  const s = load("dev-families", "S");
  const sq = load("dev-families", "S-q8");
  const w = worstMatrixDiff(s, sq);
  assert.ok(w.diff < 0.006, `${w.key}: ${w.diff}`);
});

test("declared metadata: card licence and base-model claims are read as claims", () => {
  const merge = load("dev-families", "A-merge");
  assert.deepEqual(merge.declared.baseModels, ["A-ft", "A-ft2"]);
  assert.equal(merge.declared.license, "apache-2.0");
  const q8 = load("dev-families", "A-q8");
  assert.deepEqual(q8.declared.baseModels, ["A"]);
});

test("makemore's per-head query/key/value modules are concatenated into one matrix per layer", () => {
  const m = load("models", "makemore-fun", "default-tiny-shakespeare.safetensors");
  const q = m.tensors.get("layers.0.attn.q");
  assert.deepEqual(q?.shape, [32, 32]);
  assert.equal(m.tensors.get("embed")?.rows, 65);
  assert.ok(m.ignored.includes("BUFFER.tokenizer_vocabulary"));
});
