/**
 * Dot-product kernel throughput, single thread: GMAC/s (m·n·d multiply-adds per second) of the
 * WebAssembly SIMD kernel and the blocked JS loop, at the shapes `compare` uses. Prints the first (cold)
 * WASM call separately — it includes compilation and runs partly in V8's baseline tier — then the best
 * of a few timed passes for each kernel.
 * Run: node --import tsx bench/kernels.ts [m,n,d ...]
 */
import { dotsJs, dotsWasm, wasmDotsAvailable } from "../src/numeric/wasm/dots.js";

const SHAPES: Array<[number, number, number]> = [
  [256, 352, 128],
  [128, 11008, 256],
  [4096, 4096, 64],
];

let seed = 12345;
function rand(): number {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 4294967296 - 0.5;
}
function matrix(rows: number, d: number): Float32Array {
  const x = new Float32Array(rows * d);
  for (let i = 0; i < x.length; i++) x[i] = rand();
  return x;
}

type Kernel = (q: Float32Array, m: number, c: Float32Array, n: number, d: number) => Float32Array;

/** Best GMAC/s over passes lasting at least `minMs` in total (and at least 3 passes). */
function rate(f: Kernel, q: Float32Array, m: number, c: Float32Array, n: number, d: number, minMs: number): number {
  let best = Infinity;
  let total = 0;
  for (let pass = 0; pass < 3 || total < minMs; pass++) {
    const t = performance.now();
    f(q, m, c, n, d);
    const dt = performance.now() - t;
    best = Math.min(best, dt);
    total += dt;
  }
  return (m * n * d) / best / 1e6;
}

const shapes = process.argv.length > 2
  ? process.argv.slice(2).map((s) => s.split(",").map(Number) as [number, number, number])
  : SHAPES;
console.log(`WebAssembly SIMD: ${wasmDotsAvailable() ? "yes" : "no (dotsWasm falls back to JS)"}`);
let cold = true;
for (const [m, n, d] of shapes) {
  const q = matrix(m, d);
  const c = matrix(n, d);
  let coldNote = "";
  if (cold) {
    const t = performance.now();
    dotsWasm(q, m, c, n, d);
    const dt = performance.now() - t;
    coldNote = `  (first call ${dt.toFixed(1)} ms = ${((m * n * d) / dt / 1e6).toFixed(2)} GMAC/s)`;
    cold = false;
  }
  const wasm = rate(dotsWasm, q, m, c, n, d, 300);
  const js = rate(dotsJs, q, m, c, n, d, 300);
  console.log(
    `m=${m} n=${n} d=${d}: JS ${js.toFixed(2)} GMAC/s, WASM ${wasm.toFixed(2)} GMAC/s, ` +
      `x${(wasm / js).toFixed(1)}${coldNote}`,
  );
}
