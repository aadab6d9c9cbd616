import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { BadInputError, PedigreeError } from "../../errors.js";
import { FileSource, MemorySource } from "../../io/byte-source.js";
import { readRows, readTensor, rowCount } from "../../model/tensor.js";
import { devModelIds, sharedPath } from "../../test-support/shared.js";
import { tempDir } from "../../test-support/tmp.js";
import { tensorFromArray } from "../write/tensor-data.js";
import { parseSafetensors } from "./parse.js";
import { shardedSafetensorsWeights } from "./to-weights.js";
import { writeSafetensors, writeShardedSafetensors } from "./write.js";

function build(header: unknown, data = new Uint8Array(0), pad = true): Uint8Array {
  let text = JSON.stringify(header);
  if (pad) text += " ".repeat((8 - ((8 + text.length) % 8)) % 8);
  const json = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function fails(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(() => parseSafetensors(new MemorySource(bytes, "evil.safetensors")), (e: unknown) => {
    assert.ok(e instanceof PedigreeError, `expected a PedigreeError, got ${String(e)}`);
    assert.match(e.oneLine(), /^evil\.safetensors: /);
    assert.match(e.message, pattern);
    return true;
  });
}

test("reads every dev-family safetensors file, values finite and shapes consistent", () => {
  const root = sharedPath("dev-families");
  let files = 0;
  for (const dir of devModelIds()) {
    for (const f of readdirSync(join(root, dir)).filter((n) => n.endsWith(".safetensors"))) {
      const src = new FileSource(join(root, dir, f));
      const st = parseSafetensors(src);
      assert.ok(st.tensors.length > 0);
      for (const t of st.tensors) {
        const v = readTensor(t);
        assert.equal(v.length, t.shape.reduce((a, b) => a * b, 1));
        assert.ok(v.every(Number.isFinite), `${t.name} has non-finite values`);
      }
      src.close();
      files++;
    }
  }
  const truth = JSON.parse(readFileSync(join(root, "truth.json"), "utf8")) as { models: Record<string, { files: string[] }> };
  const listed = Object.values(truth.models).flatMap((m) => m.files).filter((f) => f.endsWith(".safetensors")).length;
  assert.equal(files, listed);
});

test("F16 values decode to the IEEE half values (checked against the raw bits)", () => {
  const src = new FileSource(sharedPath("dev-families", "A", "model.safetensors"));
  const t = parseSafetensors(src).tensors.find((x) => x.name === "model.embed_tokens.weight");
  assert.ok(t);
  const raw = src.read(t.offset, 64);
  const v = readRows(t, 0, 1);
  for (let i = 0; i < 32; i++) {
    const h = (raw[2 * i] as number) | ((raw[2 * i + 1] as number) << 8);
    const sign = h & 0x8000 ? -1 : 1;
    const e = (h >> 10) & 31;
    const m = h & 1023;
    const expect = e === 0 ? sign * m * 2 ** -24 : sign * (1 + m / 1024) * 2 ** (e - 15);
    assert.equal(v[i], expect);
  }
  src.close();
});

test("the sharded checkpoint (A-cpt) reads through its index, every tensor once", () => {
  const ws = shardedSafetensorsWeights(sharedPath("dev-families", "A-cpt", "model.safetensors.index.json"));
  assert.equal(ws.files.length, 2);
  assert.equal(new Set(ws.tensors.map((t) => t.name)).size, ws.tensors.length);
  assert.ok(ws.tensors.some((t) => t.name === "lm_head.weight"));
  ws.close();
});

test("writer round trip: F32 exact, F16/BF16 rounded, sharded with index", () => {
  const dir = tempDir();
  const values = Float32Array.from({ length: 6 * 10 }, (_, i) => Math.sin(i) * 3.7);
  for (const dtype of ["F32", "F16", "BF16"] as const) {
    const p = join(dir, `${dtype}.safetensors`);
    writeSafetensors(p, [tensorFromArray("w", [6, 10], dtype, values), tensorFromArray("b", [10], dtype, values.subarray(0, 10))], { format: "pt", note: "x" });
    const src = new FileSource(p);
    const st = parseSafetensors(src);
    assert.equal(st.metadata.note, "x");
    assert.equal(st.dataOffset % 8, 0);
    const w = readTensor(st.tensors[0] as never);
    const tol = dtype === "F32" ? 0 : dtype === "F16" ? 2 ** -10 : 2 ** -7;
    for (let i = 0; i < values.length; i++) assert.ok(Math.abs((w[i] as number) - (values[i] as number)) <= tol * Math.abs(values[i] as number) + 1e-7);
    src.close();
  }
  const shards = writeShardedSafetensors(dir, [0, 1, 2].map((i) => tensorFromArray(`t${i}`, [6, 10], "F32", values)), 300);
  assert.equal(shards.length, 4);
  const ws = shardedSafetensorsWeights(join(dir, "model.safetensors.index.json"));
  assert.deepEqual(Array.from(readRows(ws.tensors[2] as never, 5, 1)), Array.from(values.subarray(50, 60)));
  ws.close();
});

test("hostile headers: one clear error each, no allocation the file chooses", () => {
  const f32 = (n: number) => new Uint8Array(4 * n);
  const ok = build({ a: { dtype: "F32", shape: [2, 2], data_offsets: [0, 16] } }, f32(4));
  assert.equal(parseSafetensors(new MemorySource(ok)).tensors.length, 1);
  fails(ok.subarray(0, 5), /too small/);
  const huge = ok.slice();
  new DataView(huge.buffer).setBigUint64(0, 0xffffffffffffn, true);
  fails(huge, /header length .* runs past the end/);
  fails(build({ a: { dtype: "F32", shape: [2, 2], data_offsets: [0, 16] } }, f32(3)), /runs past the end/);
  fails(build({ a: { dtype: "F32", shape: [2, 3], data_offsets: [0, 16] } }, f32(4)), /expected 24/);
  fails(build({ a: { dtype: "Q9", shape: [1], data_offsets: [0, 4] } }, f32(1)), /unknown dtype "Q9"/);
  fails(build({ a: { dtype: "F32", shape: [2 ** 40, 2 ** 40], data_offsets: [0, 4] } }, f32(1)), /overflows/);
  fails(build({ a: { dtype: "F32", shape: [-1], data_offsets: [0, 4] } }, f32(1)), /not a non-negative integer/);
  fails(build({ a: { dtype: "F32", shape: [2], data_offsets: [0, 8] }, b: { dtype: "F32", shape: [2], data_offsets: [4, 12] } }, f32(3)), /overlap/);
  fails(build({ a: { dtype: "F32", shape: [1], data_offsets: [8, 4] } }, f32(2)), /end before they begin/);
  fails(build({ __metadata__: { k: 5 } }), /not a string/);
  const notJson = build({ a: 1 });
  notJson[12] = 0x7d;
  fails(notJson, /not valid JSON|not an object/);
  const badUtf8 = build({ aa: { dtype: "F32", shape: [1], data_offsets: [0, 4] } }, f32(1));
  badUtf8[10] = 0xff;
  fails(badUtf8, /UTF-8/);
  assert.throws(() => parseSafetensors(new MemorySource(build({ a: { dtype: "F4", shape: [2], data_offsets: [0, 1] } }, f32(1)), "x")), /F4 is not supported/);
});

test("a shard name that escapes the folder is refused", () => {
  const dir = tempDir();
  const p = join(dir, "model.safetensors.index.json");
  writeFileSync(p, JSON.stringify({ weight_map: { a: "../../etc/passwd" } }));
  assert.throws(() => shardedSafetensorsWeights(p), (e: unknown) => e instanceof BadInputError && /not a shard file name/.test(e.message));
});

test("rows of a big tensor can be read in chunks that agree with a whole read", () => {
  const src = new FileSource(sharedPath("dev-families", "A", "model.safetensors"));
  const t = parseSafetensors(src).tensors.find((x) => x.name === "lm_head.weight");
  assert.ok(t);
  const whole = readTensor(t);
  const rows = rowCount(t.shape);
  const cols = t.shape[1] as number;
  for (let r = 0; r < rows; r += 37) {
    const n = Math.min(37, rows - r);
    assert.deepEqual(readRows(t, r, n), whole.subarray(r * cols, (r + n) * cols));
  }
  src.close();
});
