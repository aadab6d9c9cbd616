/**
 * Fuzzing the readers: thousands of mutations of the real files in ../shared (truncations, flipped
 * bytes, extreme header words), each opened, canonicalized and read in full. Every mutant must
 * either read or fail with a PedigreeError — never another exception, never a hang.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { test } from "node:test";
import { PedigreeError } from "../errors.js";
import { MemorySource } from "../io/byte-source.js";
import { loadModel } from "../load-model.js";
import { Rng } from "../numeric/rng.js";
import { sharedPath } from "../test-support/shared.js";
import { HOSTILE_CASES } from "../test-support/hostile.js";
import { tempDir } from "../test-support/tmp.js";
import { readLlama2cTokenizer } from "./tokenizer/llama2c-tokenizer.js";
import { parseSentencePieceModel } from "./tokenizer/sentencepiece-model.js";
import { readTokenizerJson } from "./tokenizer/tokenizer-json.js";

const EXTREMES = [0, 1, 0xffffffff, 0x7fffffff, 0x80000000, 255, 65535];

function mutate(seed: Uint8Array, rng: Rng): Uint8Array {
  const b = seed.slice();
  const kind = rng.int(5);
  const head = Math.min(b.length, 4096);
  if (kind === 0) return b.subarray(0, rng.int(b.length));
  if (kind === 1) {
    for (let i = 0, n = 1 + rng.int(8); i < n; i++) b[rng.int(head)] = rng.int(256);
  } else if (kind === 2) {
    const at = rng.int(Math.max(1, head - 8)) & ~3;
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    if (rng.int(2)) v.setUint32(at, EXTREMES[rng.int(EXTREMES.length)] as number, true);
    else v.setBigUint64(at, BigInt.asUintN(64, BigInt(rng.u32()) << BigInt(rng.int(40))), true);
  } else if (kind === 3) {
    for (let i = 0, n = 1 + rng.int(32); i < n; i++) {
      const at = rng.int(b.length);
      b[at] = (b[at] as number) ^ (1 << rng.int(8));
    }
  } else {
    const at = rng.int(head);
    b.copyWithin(at, rng.int(head), rng.int(head));
  }
  return b;
}

function readEverything(path: string): void {
  const m = loadModel(path);
  try {
    for (const t of m.tensors.values()) t.read();
  } finally {
    m.close();
  }
}

function expectOnlyPedigreeErrors(name: string, run: () => void): "ok" | "error" {
  try {
    run();
    return "ok";
  } catch (e) {
    if (!(e instanceof PedigreeError)) {
      assert.fail(`${name}: ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e)}`);
    }
    assert.ok(e.oneLine().length < 400, `${name}: error message too long`);
    return "error";
  }
}

const WEIGHT_SEEDS: string[][] = [
  ["models", "stories260K", "stories260K.gguf"],
  ["models", "stories260K", "stories260K.bin"],
  ["models", "stories260K", "stories260K_q80.bin"],
  ["dev-families", "A-q4k", "A-q4k.gguf"],
  ["dev-families", "A-iq4nl", "A-iq4nl.gguf"],
  ["dev-families", "G", "model.safetensors"],
  ["models", "gpt-by-hand", "ckpt-run1.pt"],
  ["models", "slm4096", "ckpt.pt"],
  ["testvectors", "ggml-quants", "iq2_xs.gguf"],
  ["testvectors", "ggml-quants", "q3_K.gguf"],
];

test("fuzz: mutated weight files read or fail cleanly", () => {
  const dir = tempDir("pedigree-fuzz-");
  const rng = new Rng(20261128);
  const cases = Number(process.env.PEDIGREE_FUZZ_CASES ?? 3000);
  const tally = { ok: 0, error: 0 };
  for (let i = 0; i < cases; i++) {
    const seedPath = sharedPath(...(WEIGHT_SEEDS[i % WEIGHT_SEEDS.length] as string[]));
    const bytes = mutate(readFileSync(seedPath), rng);
    const p = join(dir, basename(seedPath));
    writeFileSync(p, bytes);
    tally[expectOnlyPedigreeErrors(`case ${i} (${basename(seedPath)})`, () => readEverything(p))]++;
  }
  assert.ok(tally.error > cases / 10, `only ${tally.error} of ${cases} mutants were rejected`);
});

test("fuzz: mutated tokenizer files read or fail cleanly", () => {
  const rng = new Rng(7);
  const seeds: Array<[string[], (b: Uint8Array, name: string) => unknown]> = [
    [["models", "stories260K", "tok512.bin"], (b, n) => readLlama2cTokenizer(new MemorySource(b, n))],
    [["models", "babyllama-en10", "tok105.model"], (b, n) => parseSentencePieceModel(b, n)],
    [["dev-families", "S-ft", "tokenizer.json"], (b, n) => readTokenizerJson(new MemorySource(b, n))],
  ];
  for (let i = 0; i < 600; i++) {
    const [p, read] = seeds[i % seeds.length] as (typeof seeds)[number];
    const bytes = mutate(readFileSync(sharedPath(...p)), rng);
    expectOnlyPedigreeErrors(`tokenizer case ${i}`, () => read(bytes, p.join("/")));
  }
});

test("fuzz: every hostile case of the generator (test-support/hostile.ts) reads or fails cleanly", () => {
  // The same cases the CLI regression tests run, opened here in-process with the library: a
  // PedigreeError or a clean read, never another exception (and, by the check in
  // expectOnlyPedigreeErrors, never a hang). Cases without a model path are registry/CLI-only.
  const root = tempDir("pedigree-fuzz-hostile-");
  let opened = 0;
  for (const c of HOSTILE_CASES) {
    const dir = join(root, c.id);
    mkdirSync(dir, { recursive: true });
    const { args, model } = c.make(dir);
    if (model === undefined) continue;
    const got = expectOnlyPedigreeErrors(`hostile ${c.id}`, () => readEverything(model));
    // what `inspect` refuses, the library refuses too
    if (args[0] === "inspect" && c.expect.code === 2) assert.equal(got, "error", `${c.id}: read without error`);
    opened++;
  }
  assert.ok(opened >= 20, `${opened} hostile models opened`);
});
