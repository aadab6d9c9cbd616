import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { PedigreeError } from "../../errors.js";
import { COSINES_WASM_BASE64 } from "./cosines-wasm.js";
import { dotsJs, dotsWasm, dotsWasmBytes, dotsWasmMemoryBytes, wasmDotsAvailable, WASM_MAX_BYTES } from "./dots.js";

let seed = 987654321;
function rand(): number {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 4294967296 - 0.5;
}
function matrix(rows: number, d: number): Float32Array {
  const x = new Float32Array(rows * d);
  for (let i = 0; i < x.length; i++) x[i] = rand();
  return x;
}

/** Compares with an f64 reference: |got - exact| <= tol · Σ|q_k c_k| (plus a tiny absolute floor). */
function checkAgainstF64(
  got: Float32Array, q: Float32Array, m: number, c: Float32Array, n: number, d: number, tol: number, label: string,
): void {
  assert.equal(got.length, m * n, `${label}: length`);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let a = 0;
      for (let k = 0; k < d; k++) {
        const p = (q[i * d + k] as number) * (c[j * d + k] as number);
        s += p;
        a += Math.abs(p);
      }
      const g = got[i * n + j] as number;
      if (!(Math.abs(g - s) <= tol * a + 1e-30)) {
        assert.fail(`${label}: out[${i},${j}] = ${g}, f64 reference ${s} (Σ|q·c| = ${a})`);
      }
    }
  }
}

const DS = [1, 2, 3, 4, 5, 7, 8, 9, 127, 128, 129, 4096];
const MS = [1, 2, 3, 4, 5, 6, 7, 8, 9];

test("SIMD is available on this Node", () => {
  assert.equal(wasmDotsAvailable(), true);
});

test("dotsWasm matches an f64 reference for all m, n remainders and odd d", () => {
  for (const d of DS) {
    for (const m of MS) {
      for (const n of MS) {
        if (d === 4096 && (m + n) % 3 !== 0) continue; // keep the big rows to a sample
        const q = matrix(m, d);
        const c = matrix(n, d);
        checkAgainstF64(dotsWasm(q, m, c, n, d), q, m, c, n, d, 1e-5, `wasm m=${m} n=${n} d=${d}`);
      }
    }
  }
});

test("dotsJs matches an f64 reference for all m, n remainders and odd d", () => {
  for (const d of [1, 3, 5, 127, 128, 4096]) {
    for (const m of MS) {
      for (const n of MS) {
        if (d === 4096 && (m + n) % 3 !== 0) continue;
        const q = matrix(m, d);
        const c = matrix(n, d);
        checkAgainstF64(dotsJs(q, m, c, n, d), q, m, c, n, d, 1e-6, `js m=${m} n=${n} d=${d}`);
      }
    }
  }
});

test("dotsWasm: larger shapes cross the cache blocks and the query chunks", () => {
  // n spans several 64 KiB candidate blocks (with a remainder), m several 64-row chunks (odd)
  for (const [m, n, d] of [[131, 1030, 17], [67, 261, 128], [3, 2053, 64], [200, 9, 300]] as const) {
    const q = matrix(m, d);
    const c = matrix(n, d);
    checkAgainstF64(dotsWasm(q, m, c, n, d), q, m, c, n, d, 1e-5, `wasm m=${m} n=${n} d=${d}`);
  }
});

test("dotsWasm: empty shapes, d = 0, and inputs longer than needed", () => {
  assert.deepEqual(dotsWasm(new Float32Array(0), 0, matrix(3, 4), 3, 4), new Float32Array(0));
  assert.deepEqual(dotsWasm(matrix(2, 4), 2, new Float32Array(0), 0, 4), new Float32Array(0));
  assert.deepEqual(dotsWasm(new Float32Array(0), 2, new Float32Array(0), 3, 0), new Float32Array(6));
  const q = matrix(5, 6);
  const c = matrix(7, 6);
  // only the first 3 query rows and 4 candidate rows are used
  checkAgainstF64(dotsWasm(q, 3, c, 4, 6), q, 3, c, 4, 6, 1e-5, "prefix");
});

test("dotsWasm: an exact, known result and special values", () => {
  const q = Float32Array.from([1, 2, 3, 4, 5, 1, 1, 1, 1, 1]);
  const c = Float32Array.from([1, 1, 1, 1, 1, 0, 0, 0, 0, 2, Infinity, 0, 0, 0, 0]);
  const got = dotsWasm(q, 2, c, 3, 5);
  assert.deepEqual(Array.from(got), [15, 10, Infinity, 5, 2, Infinity]);
  const nan = dotsWasm(Float32Array.from([NaN, 0, 0, 0]), 1, Float32Array.from([1, 1, 1, 1]), 1, 4);
  assert.ok(Number.isNaN(nan[0]));
});

test("dotsWasm: memory follows calls of increasing size and results stay right", () => {
  let last = dotsWasmMemoryBytes();
  let grew = 0;
  for (const [m, n, d] of [[2, 4, 8], [9, 100, 64], [64, 2000, 128], [130, 6000, 256], [4, 40000, 300]] as const) {
    const q = matrix(m, d);
    const c = matrix(n, d);
    const got = dotsWasm(q, m, c, n, d);
    const size = dotsWasmMemoryBytes();
    assert.ok(size >= dotsWasmBytes(m, n, d), `memory ${size} holds ${m}x${n}x${d}`);
    if (size > last) grew++;
    last = size;
    // spot-check a few outputs (the full check is slow for the big ones)
    for (const [i, j] of [[0, 0], [m - 1, n - 1], [m >> 1, n >> 1]] as const) {
      let s = 0;
      let a = 0;
      for (let k = 0; k < d; k++) {
        const p = (q[i * d + k] as number) * (c[j * d + k] as number);
        s += p;
        a += Math.abs(p);
      }
      assert.ok(Math.abs((got[i * n + j] as number) - s) <= 1e-5 * a, `${m}x${n}x${d} [${i},${j}]`);
    }
    // and a small call after a big one reuses the grown memory
    const q2 = matrix(3, 5);
    const c2 = matrix(6, 5);
    checkAgainstF64(dotsWasm(q2, 3, c2, 6, 5), q2, 3, c2, 6, 5, 1e-5, "small after big");
  }
  assert.ok(grew >= 2, `memory grew ${grew} times`);
});

test("dotsWasm refuses shapes beyond its memory bound and bad dimensions", () => {
  // checked before anything is allocated: the inputs only need to be long enough
  const n = 200_000;
  const d = 2048; // 1.6 GB of candidate rows
  assert.ok(dotsWasmBytes(1, n, d) > WASM_MAX_BYTES);
  const q = new Float32Array(d);
  const fake = { length: n * d, subarray: () => new Float32Array(0) } as unknown as Float32Array;
  assert.throws(() => dotsWasm(q, 1, fake, n, d), (e: unknown) => e instanceof PedigreeError && e.code === "internal");
  assert.throws(() => dotsWasm(q, -1, q, 1, 1), (e: unknown) => e instanceof PedigreeError && e.code === "internal");
  assert.throws(() => dotsWasm(q, 1, q, 1, d + 1), (e: unknown) => e instanceof PedigreeError && e.code === "internal");
});

test("the embedded wasm is what cosines.wat, dequant.wat and mark.wat compile to", async (t) => {
  const script = fileURLToPath(new URL("../../../scripts/build-wasm.mjs", import.meta.url));
  let build: { compileWat: (src: string, file: string) => Promise<Uint8Array>; renderTs: (b: Uint8Array, name: string, constant: string) => string; MODULES: Array<{ name: string; constant: string }> };
  try {
    await import("wabt");
    build = (await import(pathToFileURL(script).href)) as typeof build;
  } catch {
    t.skip("wabt is not installed");
    return;
  }
  assert.deepEqual(build.MODULES.map((m) => m.name), ["cosines", "dequant", "mark"]);
  for (const { name, constant } of build.MODULES) {
    const wat = readFileSync(new URL(`./${name}.wat`, import.meta.url), "utf8");
    const bytes = await build.compileWat(wat, `${name}.wat`);
    const ts = readFileSync(new URL(`./${name}-wasm.ts`, import.meta.url), "utf8");
    assert.equal(ts, build.renderTs(bytes, name, constant), `${name}-wasm.ts is stale: run npm run build:wasm`);
  }
  assert.ok(readFileSync(new URL("./cosines-wasm.ts", import.meta.url), "utf8").includes(COSINES_WASM_BASE64.slice(0, 100)));
});
