import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { BadInputError, UnsupportedError, type PedigreeError } from "../../errors.js";
import { FileSource, MemorySource } from "../../io/byte-source.js";
import { readRows, readTensor, type TensorEntry } from "../../model/tensor.js";
import { sharedPath } from "../../test-support/shared.js";
import { parsePytorch, type PytorchCheckpoint } from "./parse.js";
import { PyDict, PySet, PyTuple } from "./py-values.js";
import { unpickle } from "./unpickle.js";
import { readZip } from "./zip.js";
import { bytes, checkpoint, dict, f32, glob, int, le, MARK, pickle, REDUCE, STOP, str, tensor, TUPLE, zip } from "./test-support/fixtures.js";

const model = (...p: string[]): string => sharedPath("models", ...p);

function load(...p: string[]): PytorchCheckpoint {
  return parsePytorch(new FileSource(model(...p)));
}

function byName(c: PytorchCheckpoint, name: string): TensorEntry {
  const t = c.tensors.find((x) => x.name === name);
  assert.ok(t, `no tensor ${name}`);
  return t;
}

/** Runs `fn`, expects a PedigreeError of `cls` whose message matches `re` (a hang fails the test by its timeout). */
function rejects(fn: () => unknown, cls: typeof BadInputError | typeof UnsupportedError, re: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${String(e)}`);
    assert.match((e as PedigreeError).message, re);
    return true;
  });
}

const mem = (b: Uint8Array, path = "mem.pt"): MemorySource => new MemorySource(b, path);

// ---------------------------------------------------------------- real checkpoints

test("slm4096: model_state, config and vocabulary", () => {
  const c = load("slm4096", "ckpt.pt");
  assert.equal(c.tensors.length, 57);
  assert.deepEqual(c.stateDictPath, ["model_state"]);
  assert.equal(c.archiveName, "ckpt");
  assert.deepEqual(Object.keys(c.extras).sort(), ["config", "corpus_bytes", "itos", "n_params", "stoi"]);
  assert.deepEqual(c.extras.config, { vocab_size: 54, block_size: 128, n_layer: 4, n_head: 4, n_embd: 64, dropout: 0.1 });
  assert.equal(c.extras.corpus_bytes, 4096);
  assert.equal(c.extras.n_params, 211712);
  const stoi = c.extras.stoi as Record<string, number>;
  const itos = c.extras.itos as Record<string, string>;
  assert.equal(Object.keys(stoi).length, 54);
  for (const [ch, id] of Object.entries(stoi)) assert.equal(itos[String(id)], ch);
  assert.deepEqual(byName(c, "tok_emb.weight").shape, [54, 64]);
  assert.deepEqual(byName(c, "blocks.0.attn.mask").shape, [1, 1, 128, 128]);
  for (const t of c.tensors) {
    assert.equal(t.dtype, "F32");
    assert.equal(t.strides, undefined);
    assert.ok(readTensor(t).every(Number.isFinite), t.name);
  }
  c.close();
});

test("gpt-by-hand: three runs, model + optimizer + model_args", () => {
  const runs = [1, 2, 3].map((i) => load("gpt-by-hand", `ckpt-run${i}.pt`));
  for (const c of runs) {
    assert.equal(c.tensors.length, 16);
    assert.deepEqual(c.stateDictPath, ["model"]);
    assert.deepEqual(Object.keys(c.extras), ["optimizer", "model_args", "iter_num", "best_val_loss", "config"]);
    assert.equal(c.extras.iter_num, 2000);
    assert.deepEqual(c.extras.optimizer, { omitted: "30 tensors" });
    assert.deepEqual(c.extras.model_args, { vocab_size: 32, seq_length: 8, num_layers: 2, num_heads: 2, dim_embedding: 16, dropout_rate: 0, use_bias: false });
    assert.equal(c.tensors.reduce((n, t) => n + readTensor(t).length, 0), 7376);
    assert.ok(!c.tensors.some((t) => /exp_avg/.test(t.name)));
  }
  // best_val_loss is a 0-d tensor: read as its value.
  assert.ok(Math.abs((runs[0]?.extras.best_val_loss as number) - 1.9918) < 1e-4);
  assert.ok(Math.abs((runs[2]?.extras.best_val_loss as number) - 1.5052) < 1e-4);
  const maxDiff = (a: PytorchCheckpoint, b: PytorchCheckpoint): number => {
    let m = 0;
    a.tensors.forEach((t, i) => {
      const x = readTensor(t);
      const y = readTensor(b.tensors[i] as TensorEntry);
      for (let j = 0; j < x.length; j++) m = Math.max(m, Math.abs((x[j] as number) - (y[j] as number)));
    });
    return m;
  };
  const [r1, r2, r3] = runs as [PytorchCheckpoint, PytorchCheckpoint, PytorchCheckpoint];
  const d12 = maxDiff(r1, r2);
  assert.ok(d12 > 0 && d12 <= 0.011, `run1 vs run2 differ by ${d12}`); // near-duplicate retrain (SOURCES.md)
  assert.ok(maxDiff(r1, r3) > 0.1);
  runs.forEach((c) => c.close());
});

test("llama2xs: ckpt.pt weights are bit-identical to the llama2.c model.bin", () => {
  const c = load("llama2xs-saltyduckegg", "ckpt.pt");
  assert.equal(c.tensors.length, 48);
  assert.deepEqual(c.stateDictPath, ["model"]);
  assert.deepEqual(Object.keys(c.extras), ["optimizer", "model_args", "iter_num", "best_val_loss", "config"]);
  assert.equal(c.extras.iter_num, 500);
  assert.deepEqual(c.extras.model_args, { dim: 64, n_layers: 5, n_heads: 8, n_kv_heads: 4, vocab_size: 512, multiple_of: 32, max_seq_len: 256, dropout: 0 });
  assert.ok(Math.abs((c.extras.best_val_loss as number) - 1.928) < 1e-3);

  const bin = readFileSync(model("llama2xs-saltyduckegg", "model.bin"));
  const hdr = new Int32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + 28));
  const [dim, hidden, L, H, kvH, vocab] = Array.from(hdr) as [number, number, number, number, number, number];
  assert.deepEqual([dim, hidden, L, H, kvH, vocab], [64, 192, 5, 8, 4, 512]);
  const floats = new Float32Array(bin.buffer.slice(bin.byteOffset + 28, bin.byteOffset + bin.length));
  const kv = (dim / H) * kvH;
  let at = 0;
  const expect = (name: string, n: number): void => {
    const got = readTensor(byName(c, name));
    assert.equal(got.length, n, name);
    assert.deepEqual(got, floats.subarray(at, at + n), name);
    at += n;
  };
  const perLayer = (suffix: string, n: number): void => {
    for (let l = 0; l < L; l++) expect(`layers.${l}.${suffix}`, n);
  };
  expect("tok_embeddings.weight", vocab * dim);
  perLayer("attention_norm.weight", dim);
  perLayer("attention.wq.weight", dim * dim);
  perLayer("attention.wk.weight", kv * dim);
  perLayer("attention.wv.weight", kv * dim);
  perLayer("attention.wo.weight", dim * dim);
  perLayer("ffn_norm.weight", dim);
  perLayer("feed_forward.w1.weight", hidden * dim);
  perLayer("feed_forward.w2.weight", dim * hidden);
  perLayer("feed_forward.w3.weight", hidden * dim);
  expect("norm.weight", dim);
  // The classifier is tied to the embedding.
  assert.deepEqual(readTensor(byName(c, "output.weight")), readTensor(byName(c, "tok_embeddings.weight")));
  c.close();
});

test("zip reader: real archive entries are stored and 64-byte aligned", () => {
  const src = new FileSource(model("slm4096", "ckpt.pt"));
  const z = readZip(src);
  assert.equal(z.entries.length, 62);
  for (const e of z.entries) {
    assert.equal(e.method, 0);
    if (e.name.startsWith("ckpt/data/")) assert.equal(e.dataOffset % 64, 0, e.name);
  }
  src.close();
});

// ---------------------------------------------------------------- synthetic checkpoints

test("views: storage offsets, transposes, shared storages; DataParallel and torch.compile prefixes", () => {
  const pkl = pickle(dict([
    ["model", dict([
      ["module._orig_mod.a.weight", tensor({ key: "0", numel: 6, size: [2, 3] })],
      ["module._orig_mod.a.t", tensor({ key: "0", numel: 6, size: [3, 2], stride: [1, 3] })],
      ["module._orig_mod.b.tail", tensor({ key: "0", numel: 6, size: [2], offset: 4 })],
      ["module._orig_mod.c.scalar", tensor({ key: "1", numel: 1, size: [], storageClass: "DoubleStorage" })],
    ], true)],
    ["optimizer", dict([["state", dict([["x", tensor({ key: "0", numel: 6, size: [6] })]])]])],
    ["step", int(7)],
  ]));
  const c = parsePytorch(mem(checkpoint(pkl, { 0: f32([0, 1, 2, 3, 4, 5]), 1: new Uint8Array(new Float64Array([2.5]).buffer) })));
  assert.deepEqual(c.tensors.map((t) => t.name), ["a.weight", "a.t", "b.tail", "c.scalar"]);
  assert.deepEqual(c.stateDictPath, ["model"]);
  assert.deepEqual(c.extras, { optimizer: { omitted: "1 tensors" }, step: 7 });
  const [w, t, tail, s] = c.tensors as [TensorEntry, TensorEntry, TensorEntry, TensorEntry];
  assert.deepEqual(Array.from(readTensor(w)), [0, 1, 2, 3, 4, 5]);
  assert.equal(w.strides, undefined);
  assert.deepEqual(t.strides, [1, 3]);
  assert.deepEqual(Array.from(readTensor(t)), [0, 3, 1, 4, 2, 5]);
  assert.deepEqual(Array.from(readRows(t, 1, 2)), [1, 4, 2, 5]);
  assert.deepEqual(Array.from(readTensor(tail)), [4, 5]);
  assert.equal(tail.offset, 16);
  assert.equal(s.dtype, "F64");
  assert.deepEqual(Array.from(readTensor(s)), [2.5]);
});

test("the top-level object may itself be the state dict; ZIP64 and deflated data.pkl are read", () => {
  const pkl = pickle(dict([["w", tensor({ key: "k", numel: 2, size: [2], storageClass: "HalfStorage" })], ["_meta", int(1)]], true));
  const half = new Uint8Array([0x00, 0x3c, 0x00, 0xc0]); // 1.0, -2.0
  for (const opts of [{ zip64: true }, { pklMethod: 8 as const, prefix: "my-model" }]) {
    const c = parsePytorch(mem(checkpoint(pkl, { k: half }, opts)));
    assert.deepEqual(c.stateDictPath, []);
    assert.deepEqual(c.extras, { _meta: 1 });
    assert.deepEqual(Array.from(readTensor(c.tensors[0] as TensorEntry)), [1, -2]);
  }
});

test("the model is preferred over a larger optimizer-like or EMA dict", () => {
  const many = (n: number): [string, ReturnType<typeof tensor>][] =>
    Array.from({ length: n }, (_, i) => [`p${i}.weight`, tensor({ key: "0", numel: 1, size: [1] })]);
  const pkl = pickle(dict([
    ["ema_shadow", dict(many(5))],
    ["optimizer_state", dict(many(9))],
    ["model", dict(many(2))],
  ]));
  const c = parsePytorch(mem(checkpoint(pkl, { 0: f32([1]) })));
  assert.deepEqual(c.stateDictPath, ["model"]);
  assert.equal(c.tensors.length, 2);
  // A prefix shared by only some names is part of the names.
  const mixed = pickle(dict([["module.w", tensor({ key: "0", numel: 1, size: [1] })], ["v", tensor({ key: "0", numel: 1, size: [1] })]]));
  assert.deepEqual(parsePytorch(mem(checkpoint(mixed, { 0: f32([1]) }))).tensors.map((t) => t.name), ["module.w", "v"]);
});

test("unpickler: the same data from protocols 0 to 5", () => {
  // pickle.dumps({'a': [1, 2**70, -5, -(2**40), 1.5, None, True, False, b'xy', (1, 2, 3), {7}, frozenset([3]),
  //               'é\n\\ 中', bytearray(b'z')], 'b': ()}, protocol=p) from CPython 3.
  const hex = [
    "286470300a56610a70310a286c70320a49310a614c313138303539313632303731373431313330333432344c0a61492d350a614c2d313039393531313632373737364c0a6146312e350a614e614930310a614930300a61635f636f646563730a656e636f64650a70330a285678790a70340a566c6174696e310a70350a7470360a5270370a612849310a49320a49330a7470380a61635f5f6275696c74696e5f5f0a7365740a70390a28286c7031300a49370a61747031310a527031320a61635f5f6275696c74696e5f5f0a66726f7a656e7365740a7031330a28286c7031340a49330a61747031350a527031360a6156e95c75303030615c7530303563205c75346532640a7031370a61635f5f6275696c74696e5f5f0a6279746561727261790a7031380a2867330a28567a0a7031390a67350a747032300a527032310a747032320a527032330a617356620a7032340a2874732e",
    "7d71002858010000006171015d7102284b014c313138303539313632303731373431313330333432344c0a4afbffffff4c2d313039393531313632373737364c0a473ff80000000000004e4930310a4930300a635f636f646563730a656e636f64650a71032858020000007879710458060000006c6174696e317105747106527107284b014b024b03747108635f5f6275696c74696e5f5f0a7365740a7109285d710a4b076174710b52710c635f5f6275696c74696e5f5f0a66726f7a656e7365740a710d285d710e4b036174710f5271105808000000c3a90a5c20e4b8ad7111635f5f6275696c74696e5f5f0a6279746561727261790a71122868032858010000007a7113680574711452711574711652711765580100000062711829752e",
    "80027d71002858010000006171015d7102284b018a090000000000000000404afbffffff8a060000000000ff473ff80000000000004e8889635f636f646563730a656e636f64650a710358020000007879710458060000006c6174696e3171058671065271074b014b024b03877108635f5f6275696c74696e5f5f0a7365740a71095d710a4b076185710b52710c635f5f6275696c74696e5f5f0a66726f7a656e7365740a710d5d710e4b036185710f5271105808000000c3a90a5c20e4b8ad7111635f5f6275696c74696e5f5f0a6279746561727261790a7112680358010000007a7113680586711452711585711652711765580100000062711829752e",
    "80037d71002858010000006171015d7102284b018a090000000000000000404afbffffff8a060000000000ff473ff80000000000004e88894302787971034b014b024b03877104636275696c74696e730a7365740a71055d71064b0761857107527108636275696c74696e730a66726f7a656e7365740a71095d710a4b036185710b52710c5808000000c3a90a5c20e4b8ad710d636275696c74696e730a6279746561727261790a710e43017a710f85711052711165580100000062711229752e",
    "8004957c000000000000007d94288c0161945d94284b018a090000000000000000404afbffffff8a060000000000ff473ff80000000000004e888943027879944b014b024b0387948f94284b0790284b0391948c08c3a90a5c20e4b8ad948c086275696c74696e73948c0962797465617272617994939443017a9485945294658c01629429752e",
    "80059566000000000000007d94288c0161945d94284b018a090000000000000000404afbffffff8a060000000000ff473ff80000000000004e888943027879944b014b024b0387948f94284b0790284b0391948c08c3a90a5c20e4b8ad949601000000000000007a94658c01629429752e",
  ];
  hex.forEach((h, proto) => {
    const v = unpickle(Buffer.from(h, "hex"), `proto${proto}`);
    assert.ok(v instanceof PyDict, `protocol ${proto}`);
    assert.deepEqual([...v.map.keys()], ["a", "b"]);
    const a = v.map.get("a") as unknown[];
    assert.equal(a[0], 1);
    assert.equal(a[1], 2n ** 70n);
    assert.deepEqual(a.slice(2, 8), [-5, -(2 ** 40), 1.5, null, true, false], `protocol ${proto}`);
    assert.deepEqual(a[8], new Uint8Array([0x78, 0x79]));
    assert.deepEqual((a[9] as PyTuple).items, [1, 2, 3]);
    assert.ok(a[10] instanceof PySet && !a[10].frozen);
    assert.deepEqual((a[10] as PySet).items, [7]);
    assert.ok(a[11] instanceof PySet && a[11].frozen);
    assert.equal(a[12], "é\n\\ 中");
    assert.deepEqual(a[13], new Uint8Array([0x7a]));
    assert.deepEqual((v.map.get("b") as PyTuple).items, []);
  });
});

test("unpickler: numpy scalars and torch.Size/device are inert data", () => {
  const npDtype = [glob("numpy", "dtype"), MARK, str("f8"), 0x89, 0x88, TUPLE, REDUCE,
    MARK, int(3), str("<"), 0x4e, 0x4e, 0x4e, int(-1), int(-1), int(0), TUPLE, 0x62];
  const v = unpickle(pickle([MARK,
    glob("numpy.core.multiarray", "scalar"), MARK, npDtype, 0x43, 8, new Uint8Array(new Float64Array([0.25]).buffer), TUPLE, REDUCE,
    glob("torch", "Size"), MARK, MARK, int(2), int(3), TUPLE, TUPLE, REDUCE,
    glob("torch", "device"), MARK, str("cuda"), int(1), TUPLE, REDUCE,
    TUPLE]), "np");
  assert.ok(v instanceof PyTuple);
  assert.equal(v.items[0], 0.25);
  assert.deepEqual((v.items[1] as PyTuple).items, [2, 3]);
  assert.equal(v.items[2], "cuda:1");
});

// ---------------------------------------------------------------- hostile input

test("refuses pickles that call anything outside the allow-list", () => {
  const payload = (g: Uint8Array | string): Uint8Array => bytes(0x80, 0x02, g, MARK, str("echo pwned"), TUPLE, REDUCE, STOP);
  for (const [m, n] of [["os", "system"], ["posix", "system"], ["builtins", "eval"], ["__builtin__", "getattr"], ["subprocess", "Popen"], ["torch", "load"], ["__main__", "GPT"]] as const) {
    rejects(() => unpickle(payload(`c${m}\n${n}\n`), "x.pkl"), BadInputError, new RegExp(`refuses to load: the pickle calls ${m}\\.${n} \\(only tensors`));
  }
  // protocol 4: STACK_GLOBAL from two memoized strings, then REDUCE
  const stackGlobal = bytes(0x80, 0x04, 0x8c, 2, "os", 0x94, 0x8c, 6, "system", 0x94, 0x93, 0x94, 0x8c, 2, "id", 0x85, REDUCE, STOP);
  rejects(() => unpickle(stackGlobal, "x.pkl"), BadInputError, /calls os\.system/);
  // The same inside a checkpoint, next to a valid tensor.
  const pkl = bytes(0x80, 0x02, dict([["w", tensor({ key: "0", numel: 1, size: [1] })], ["x", [glob("os", "system"), MARK, str("id"), TUPLE, REDUCE]]]), STOP);
  rejects(() => parsePytorch(mem(checkpoint(pkl, { 0: f32([1]) }))), BadInputError, /refuses to load: the pickle calls os\.system/);
  // Prototype names are not globals either.
  rejects(() => unpickle(payload("ctorch\nconstructor\n"), "x.pkl"), BadInputError, /torch\.constructor/);
  // INST names its class inline.
  rejects(() => unpickle(bytes(0x80, 0x02, MARK, "ios\nsystem\n", STOP), "x.pkl"), BadInputError, /os\.system/);
});

test("refuses malformed pickles, never hanging", { timeout: 120_000 }, () => {
  const p = (...parts: Parameters<typeof bytes>): Uint8Array => bytes(0x80, 0x02, ...parts);
  rejects(() => unpickle(p(0x8b, le(0x7fffffff, 4)), "x"), BadInputError, /integer of 2147483647 bytes/);
  rejects(() => unpickle(p(0x8b, le(100, 4), new Uint8Array(10)), "x"), BadInputError, /integer of|pickle ends/);
  rejects(() => unpickle(p(0x58, le(0xfffffff0, 4), "abc"), "x"), BadInputError, /needs 4294967280 more bytes/);
  rejects(() => unpickle(p(0xff), "x"), BadInputError, /unknown or unsupported opcode 0xff/);
  rejects(() => unpickle(p(0x53, "'x'\n", STOP), "x"), BadInputError, /opcode 0x53 \('S'\)/);
  rejects(() => unpickle(p(int(1)), "x"), BadInputError, /without a STOP/);
  rejects(() => unpickle(p(0x68, 9, STOP), "x"), BadInputError, /memo entry 9/);
  rejects(() => unpickle(p(0x30, STOP), "x"), BadInputError, /empty stack/);
  rejects(() => unpickle(p(0x82, 1, STOP), "x"), BadInputError, /copyreg extension registry/);
  // list bomb: 100 000 lists nested inside each other
  const n = 100_000;
  rejects(() => unpickle(p(new Uint8Array(n).fill(0x5d), new Uint8Array(n - 1).fill(0x61), STOP), "x"), BadInputError, /nested deeper than 100/);
  // mark bomb and a reference cycle
  rejects(() => unpickle(p(new Uint8Array(n).fill(0x28)), "x"), BadInputError, /nested MARKs/);
  rejects(() => unpickle(p(0x5d, 0x71, 0, 0x68, 0, 0x61, STOP), "x"), BadInputError, /cycle/);
  // shared-reference blowup: 60 levels of [x, x] is 2^60 paths but 60 objects
  const laughs: Parameters<typeof bytes> = [0x5d, 0x71, 0];
  for (let i = 1; i <= 60; i++) laughs.push(0x30, MARK, 0x68, i - 1, 0x68, i - 1, 0x6c, 0x71, i);
  assert.ok(Array.isArray(unpickle(p(...laughs, STOP), "x")));
  const pkl = p(dict([["model", dict([["w", tensor({ key: "0", numel: 1, size: [1] })]])], ["bomb", laughs]]), STOP);
  rejects(() => parsePytorch(mem(checkpoint(pkl, { 0: f32([1]) }))), BadInputError, /more than 2000000 values/);
});

test("refuses tensors that do not fit their storage", () => {
  const cases: [string, Parameters<typeof tensor>[0], RegExp][] = [
    ["past the end", { key: "0", numel: 6, size: [4, 4] }, /runs past its storage 0/],
    ["offset past the end", { key: "0", numel: 6, size: [2], offset: 5 }, /runs past its storage/],
    ["stride past the end", { key: "0", numel: 6, size: [2, 3], stride: [4, 1] }, /runs past its storage/],
    ["storage bigger than its entry", { key: "0", numel: 600, size: [6] }, /need 2400 bytes, its entry holds 24/],
    ["missing storage", { key: "9", numel: 1, size: [1] }, /no entry archive\/data\/9/],
  ];
  for (const [what, spec, re] of cases) {
    const pkl = pickle(dict([["w", tensor(spec)]]));
    rejects(() => parsePytorch(mem(checkpoint(pkl, { 0: f32([0, 1, 2, 3, 4, 5]) }))), BadInputError, re);
    assert.ok(what);
  }
  const complex = pickle(dict([["w", tensor({ key: "0", numel: 1, size: [1], storageClass: "ComplexFloatStorage" })]]));
  rejects(() => parsePytorch(mem(checkpoint(complex, { 0: f32([0, 1]) }))), UnsupportedError, /ComplexFloatStorage is not supported/);
});

test("refuses broken and foreign archives", () => {
  const real = readFileSync(model("slm4096", "ckpt.pt"));
  rejects(() => parsePytorch(mem(real.subarray(0, real.length >> 1))), BadInputError, /no end-of-central-directory/);
  rejects(() => parsePytorch(mem(real.subarray(0, real.length - 30))), BadInputError, /end-of-central-directory|central directory/);

  const good = checkpoint(pickle(dict([["w", tensor({ key: "0", numel: 1, size: [1] })]])), { 0: f32([1]) });
  const eocd = good.length - 22;
  const patched = (at: number, value: number, width: 2 | 4): MemorySource => {
    const b = good.slice();
    b.set(le(value, width), at);
    return mem(b);
  };
  rejects(() => parsePytorch(patched(eocd + 16, 0x7fff0000, 4)), BadInputError, /central directory .* runs past/);
  rejects(() => parsePytorch(patched(eocd + 12, 0x7fff0000, 4)), BadInputError, /central directory .* runs past/);
  rejects(() => parsePytorch(patched(eocd + 10, 0xfffe, 2)), BadInputError, /65534 entries cannot fit/);
  const cdStart = new DataView(good.buffer).getUint32(eocd + 16, true);
  rejects(() => parsePytorch(patched(cdStart + 42, 0x7ffffff0, 4)), BadInputError, /local header at 2147483632 lies outside/);
  rejects(() => parsePytorch(patched(cdStart + 20, 0x7ffffff0, 4)), BadInputError, /runs past the data area|compressed size/);
  // a flipped byte inside data.pkl fails its CRC
  const flipped = good.slice();
  flipped[60] = (flipped[60] as number) ^ 0xff; // data.pkl's bytes start at 30 + len("archive/data.pkl") = 46
  rejects(() => parsePytorch(mem(flipped)), BadInputError, /CRC-32/);

  const pkl = pickle(dict([["w", tensor({ key: "0", numel: 1, size: [1] })]]));
  rejects(() => parsePytorch(mem(checkpoint(pkl, {}, { pklMethod: 12 }))), UnsupportedError, /compression method 12/);
  rejects(() => parsePytorch(mem(zip([{ name: "a/readme.txt", data: bytes("hi") }]))), UnsupportedError, /without data\.pkl/);
  rejects(() => parsePytorch(mem(zip([{ name: "m/data.pkl", data: pkl }, { name: "m/constants.pkl", data: pkl }]))), UnsupportedError, /TorchScript/);
  const legacy = bytes(0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, STOP, new Uint8Array(64));
  rejects(() => parsePytorch(mem(legacy)), UnsupportedError, /legacy \(pre-1\.6\)/);
  rejects(() => parsePytorch(mem(pkl)), UnsupportedError, /bare pickle/);
  rejects(() => parsePytorch(mem(bytes("GGUF", new Uint8Array(40)))), BadInputError, /not a PyTorch checkpoint/);
  rejects(() => parsePytorch(mem(bytes(new Uint8Array(257), "ustar", new Uint8Array(250)))), UnsupportedError, /tar-based/);
  rejects(() => parsePytorch(mem(checkpoint(pickle([MARK, int(1), TUPLE]), {}))), UnsupportedError, /no state dict .* a tuple/);
});

test("mutated data.pkl (CRC recomputed) only ever fails with a PedigreeError, never hanging", { timeout: 300_000 }, () => {
  const src = new FileSource(model("gpt-by-hand", "ckpt-run1.pt"));
  const z = readZip(src);
  const files = z.entries.map((e) => ({ name: e.name, data: z.readAll(e, 1 << 24) }));
  src.close();
  let seed = 2024;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let i = 0; i < 300; i++) {
    const pkl = (files[0] as { data: Uint8Array }).data.slice();
    for (let k = 0; k <= rnd(3); k++) pkl[rnd(pkl.length)] = rnd(256);
    const archive = zip([{ name: "ckpt/data.pkl", data: pkl }, ...files.slice(1)]);
    try {
      const c = parsePytorch(mem(archive));
      c.tensors.forEach((t) => readTensor(t));
      JSON.stringify(c.extras);
    } catch (e) {
      assert.ok(e instanceof BadInputError || e instanceof UnsupportedError, `mutation ${i}: ${String(e)}`);
    }
  }
});
