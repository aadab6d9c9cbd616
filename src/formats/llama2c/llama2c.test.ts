import assert from "node:assert/strict";
import { test } from "node:test";
import { PedigreeError } from "../../errors.js";
import { FileSource, MemorySource } from "../../io/byte-source.js";
import { readTensor } from "../../model/tensor.js";
import { sharedPath } from "../../test-support/shared.js";
import { parseLlama2c } from "./parse.js";

const open = (...p: string[]) => parseLlama2c(new FileSource(sharedPath(...p)));

test("every llama2.c checkpoint in ../shared parses with an exactly matching size", () => {
  for (const p of [
    ["models", "stories260K", "stories260K.bin"], ["models", "stories260K", "stories260K_q80.bin"],
    ["models", "stories260K", "rvspoc-stories260K.bin"], ["models", "stories260K", "rvspoc-stories260K.transpose.bin"],
    ["models", "llama2xs-saltyduckegg", "model.bin"], ["models", "babyllama-en10", "model5000-tok105.bin"],
    ["models", "babyllama-en10", "model5000-tok361.bin"], ["dev-families", "S", "model.bin"], ["dev-families", "S-perm-rot", "model.bin"],
  ]) {
    const f = open(...p);
    const perLayer = 9;
    assert.equal(f.tensors.length, 2 + perLayer * f.header.nLayers + (f.header.sharedClassifier ? 0 : 1), p.join("/"));
    for (const t of f.tensors) assert.ok(readTensor(t).every(Number.isFinite));
  }
});

test("the legacy header: stories260K is dim 64, 5 layers, 8/4 heads, shared classifier; S-perm-rot has its own", () => {
  const h = open("models", "stories260K", "stories260K.bin").header;
  assert.deepEqual([h.version, h.dim, h.hiddenDim, h.nLayers, h.nHeads, h.nKvHeads, h.vocabSize, h.seqLen, h.sharedClassifier], [0, 64, 172, 5, 8, 4, 512, 512, true]);
  assert.equal(open("dev-families", "S-perm-rot", "model.bin").header.sharedClassifier, false);
});

test("the int8 export (v2) decodes to the fp32 weights within half a quantization step", () => {
  const fp = open("models", "stories260K", "stories260K.bin");
  const q = open("models", "stories260K", "stories260K_q80.bin");
  assert.equal(q.header.version, 2);
  assert.equal(q.header.groupSize, 32);
  const byName = new Map(fp.tensors.map((t) => [t.name, t]));
  let checked = 0;
  for (const t of q.tensors) {
    const a = readTensor(byName.get(t.name) as never);
    const b = readTensor(t);
    assert.equal(a.length, b.length);
    if (t.shape.length === 1) {
      assert.deepEqual(b, a);
      continue;
    }
    for (let g = 0; g < a.length; g += 32) {
      let amax = 0;
      for (let i = g; i < g + 32; i++) amax = Math.max(amax, Math.abs(a[i] as number));
      for (let i = g; i < g + 32; i++) assert.ok(Math.abs((a[i] as number) - (b[i] as number)) <= (amax / 127) * 0.5 + 1e-7);
    }
    checked++;
  }
  assert.equal(checked, 36);
});

test("the rvspoc copies hold each tensor's values in another order", () => {
  const base = open("models", "stories260K", "stories260K.bin");
  const perm = open("models", "stories260K", "rvspoc-stories260K.bin");
  const sorted = (v: Float32Array) => Float64Array.from(v).sort();
  let reordered = 0;
  for (let i = 0; i < base.tensors.length; i++) {
    const a = readTensor(base.tensors[i] as never);
    const b = readTensor(perm.tensors[i] as never);
    assert.deepEqual(sorted(a), sorted(b));
    if (a.some((x, j) => x !== b[j])) reordered++;
  }
  assert.ok(reordered >= 5 * 7);
});

test("bad llama2.c headers are refused with the size they imply", () => {
  const h = new Int32Array([64, 172, 5, 8, 4, 512, 512]);
  const short = new Uint8Array(1000);
  short.set(new Uint8Array(h.buffer));
  assert.throws(() => parseLlama2c(new MemorySource(short, "m.bin")), (e: unknown) => e instanceof PedigreeError && /expected 1056540 bytes/.test(e.message) && e.oneLine().startsWith("m.bin: "));
  const absurd = new Uint8Array(64);
  absurd.set(new Uint8Array(new Int32Array([1 << 30, 1, 1, 1, 1, 1, 1]).buffer));
  assert.throws(() => parseLlama2c(new MemorySource(absurd, "m.bin")), /implausible/);
  const heads = new Uint8Array(64);
  heads.set(new Uint8Array(new Int32Array([64, 172, 5, 7, 4, 512, 512]).buffer));
  assert.throws(() => parseLlama2c(new MemorySource(heads, "m.bin")), /not a multiple of n_heads/);
  const magic = new Uint8Array(300);
  new DataView(magic.buffer).setUint32(0, 0x616b3432, true);
  new DataView(magic.buffer).setInt32(4, 9, true);
  assert.throws(() => parseLlama2c(new MemorySource(magic, "m.bin")), /export version 9/);
});
