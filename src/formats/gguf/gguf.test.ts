import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { PedigreeError } from "../../errors.js";
import { FileSource, MemorySource } from "../../io/byte-source.js";
import { readRows, readTensor } from "../../model/tensor.js";
import type { GgufBuilder} from "../../test-support/gguf-builder.js";
import { tinyGguf } from "../../test-support/gguf-builder.js";
import { sharedFiles, sharedPath } from "../../test-support/shared.js";
import { tempDir } from "../../test-support/tmp.js";
import { tensorFromArray } from "../write/tensor-data.js";
import { GgufType, parseGguf, plainMetadata } from "./parse.js";
import { gv, writeGguf } from "./write.js";

function fails(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(() => parseGguf(new MemorySource(bytes, "evil.gguf")), (e: unknown) => {
    assert.ok(e instanceof PedigreeError, `expected a PedigreeError, got ${String(e)}`);
    assert.match(e.oneLine(), /^evil\.gguf: /);
    assert.match(e.message, pattern);
    return true;
  });
}

test("every GGUF in ../shared parses and every tensor decodes to finite values", () => {
  const files = [...sharedFiles("models"), ...sharedFiles("dev-families"), ...sharedFiles("testvectors")].filter((f) => f.endsWith(".gguf"));
  assert.ok(files.length >= 60);
  for (const f of files) {
    const src = new FileSource(f);
    const g = parseGguf(src);
    assert.ok(g.tensors.length > 0, f);
    for (const t of g.tensors) {
      const v = readTensor(t);
      assert.ok(v.every(Number.isFinite), `${f}: ${t.name}`);
    }
    src.close();
  }
});

test("stories260K.gguf: metadata of several types, tensors in PyTorch order", () => {
  const src = new FileSource(sharedPath("models", "stories260K", "stories260K.gguf"));
  const g = parseGguf(src);
  const m = plainMetadata(g.metadata);
  assert.equal(m["general.architecture"], "llama");
  assert.equal(m["llama.block_count"], 5);
  assert.equal(g.metadata.get("llama.attention.layer_norm_rms_epsilon")?.type, GgufType.FLOAT32);
  assert.equal((m["tokenizer.ggml.tokens"] as string[]).length, 512);
  const q = g.tensors.find((t) => t.name === "blk.0.attn_q.weight");
  assert.deepEqual(q?.shape, [64, 64]);
  assert.deepEqual(g.tensors.find((t) => t.name === "blk.0.ffn_down.weight")?.shape, [64, 172]);
  src.close();
});

test("every metadata value type, nested arrays and general.alignment are read", () => {
  const bytes = tinyGguf({
    kv: (b) => {
      b.str("t.u8").u32(GgufType.UINT8).u8(200);
      b.str("t.i8").u32(GgufType.INT8).u8(0xff);
      b.str("t.u16").u32(GgufType.UINT16).u16(65535);
      b.str("t.i16").u32(GgufType.INT16).u16(0x8000);
      b.str("t.u32").u32(GgufType.UINT32).u32(4000000000);
      b.str("t.i32").u32(GgufType.INT32).i32(-7);
      b.str("t.f32").u32(GgufType.FLOAT32).f32(0.5);
      b.str("t.bool").u32(GgufType.BOOL).u8(1);
      b.str("t.str").u32(GgufType.STRING).str("héllo");
      b.str("t.u64").u32(GgufType.UINT64).u64(2n ** 60n);
      b.str("t.i64").u32(GgufType.INT64).i64(-5n);
      b.str("t.f64").u32(GgufType.FLOAT64).f64(Math.PI);
      b.str("t.nested").u32(GgufType.ARRAY).u32(GgufType.ARRAY).u64(2);
      b.u32(GgufType.INT32).u64(2).i32(1).i32(2);
      b.u32(GgufType.STRING).u64(1).str("x");
      b.str("general.alignment").u32(GgufType.UINT32).u32(32);
      return 14;
    },
  });
  const g = parseGguf(new MemorySource(bytes));
  const m = plainMetadata(g.metadata);
  assert.deepEqual([m["t.u8"], m["t.i8"], m["t.u16"], m["t.i16"], m["t.u32"], m["t.i32"], m["t.f32"], m["t.bool"], m["t.str"]], [200, -1, 65535, -32768, 4000000000, -7, 0.5, true, "héllo"]);
  assert.equal(m["t.u64"], 2n ** 60n);
  assert.equal(m["t.i64"], -5);
  assert.equal(m["t.f64"], Math.PI);
  assert.deepEqual(m["t.nested"], [[1, 2], ["x"]]);
  assert.deepEqual(Array.from(readRows(g.tensors[0] as never, 1, 1)), [4, 5, 6, 7]);
});

test("hostile GGUF headers: one clear error each", () => {
  fails(tinyGguf().subarray(0, 20), /too small|truncated/);
  const magic = tinyGguf();
  magic[0] = 0x48;
  fails(magic, /wrong magic/);
  fails(tinyGguf({ version: 1 }), /version 1/);
  fails(tinyGguf({ version: 0x03000000 }), /big-endian/);
  fails(tinyGguf({ version: 9 }), /version 9/);
  fails(tinyGguf({ tensorCount: 2 ** 40 }), /tensor count|larger than the file|more than the file/);
  fails(tinyGguf({ typeId: 77 }), /unknown ggml type id 77/);
  fails(tinyGguf({ typeId: 4 }), /retired/);
  fails(tinyGguf({ dims: [2n ** 62n, 2n ** 62n] }), /too large|overflow/);
  fails(tinyGguf({ dims: [4, 2, 1, 1, 1] }), /5 dimensions/);
  fails(tinyGguf({ dims: [4, 4] }), /runs past the end/);
  fails(tinyGguf({ offset: 7 }), /not aligned/);
  fails(tinyGguf({ typeId: 8, dims: [33, 1] }), /not a multiple of Q8_0's block size/);
  fails(tinyGguf({ kv: (b) => (b.str("k").u32(GgufType.STRING).u64(2n ** 50n), 1) }), /larger than the file|longer/);
  fails(tinyGguf({ kv: (b) => (b.str("k").u32(GgufType.ARRAY).u32(GgufType.UINT32).u64(1e9), 1) }), /larger than the file|longer than the rest/);
  fails(tinyGguf({ kv: (b) => (b.str("k").u32(42), 1) }), /unknown metadata value type 42/);
  fails(tinyGguf({ kv: (b) => (b.str("k").u32(GgufType.BOOL).u8(7), 1) }), /neither 0 nor 1/);
  fails(tinyGguf({ kv: (b) => (b.str("general.alignment").u32(GgufType.UINT32).u32(48), 1) }), /power of two/);
  fails(tinyGguf({ kv: (b) => (b.str(new Uint8Array([0x6b, 0xff])).u32(GgufType.UINT8).u8(1), 1) }), /UTF-8/);
  fails(tinyGguf({ kv: (b) => (b.str("a").u32(GgufType.UINT8).u8(1), b.str("a").u32(GgufType.UINT8).u8(1), 2) }), /duplicate/);
  const deep = (b: GgufBuilder) => {
    b.str("k").u32(GgufType.ARRAY);
    for (let i = 0; i < 6; i++) b.u32(GgufType.ARRAY).u64(1);
    b.u32(GgufType.UINT8).u64(1).u8(1);
    return 1;
  };
  fails(tinyGguf({ kv: deep }), /nested deeper/);
});

test("writer round trip: metadata and tensors of every writable type", () => {
  const dir = tempDir();
  const values = Float32Array.from({ length: 4 * 64 }, (_, i) => Math.cos(i * 0.37) * 0.1);
  const meta = new Map([["general.architecture", gv.str("llama")], ["x.count", gv.u32(3)], ["x.list", gv.strs(["a", "b"])], ["x.flag", gv.bool(true)]]);
  for (const dtype of ["F32", "F16", "BF16", "Q8_0", "Q4_0"] as const) {
    const p = join(dir, `${dtype}.gguf`);
    writeGguf(p, meta, [tensorFromArray("w", [4, 64], dtype, values), tensorFromArray("n", [64], "F32", values.subarray(0, 64))]);
    const src = new FileSource(p);
    const g = parseGguf(src);
    const m = plainMetadata(g.metadata);
    assert.deepEqual([m["general.architecture"], m["x.count"], m["x.list"], m["x.flag"]], ["llama", 3, ["a", "b"], true]);
    assert.equal(g.tensors[0]?.dtype, dtype);
    const w = readTensor(g.tensors[0] as never);
    const maxErr = Math.max(...Array.from(w, (v, i) => Math.abs(v - (values[i] as number))));
    const tol = { F32: 0, F16: 1e-4, BF16: 1e-3, Q8_0: 1e-3, Q4_0: 2e-2 }[dtype];
    assert.ok(maxErr <= tol, `${dtype}: max error ${maxErr}`);
    assert.deepEqual(Array.from(readTensor(g.tensors[1] as never)), Array.from(values.subarray(0, 64)));
    src.close();
  }
});
