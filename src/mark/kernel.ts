/**
 * @module mark/kernel
 * Adding a recipient's pattern to rows of a matrix, in place: row i gains
 * strength · rms(row i) · P_ij (P from mark/pattern.ts). Two implementations of the one rule:
 * - the WebAssembly SIMD kernel (src/numeric/wasm/mark.wat), for rows that are whole words
 *   (cols a multiple of 32, as in every transformer): four entries per instruction, one hash per
 *   word. Its memory is a fixed 4M-float buffer; markBuffer() hands it out so the rows can be read
 *   straight into it, and rows elsewhere are copied through it;
 * - the JS loop, for other shapes and for runtimes without WebAssembly SIMD.
 * They agree to the last bit of a float32 value (the kernel rounds the amplitude to float32 before
 * adding; the loop adds it in f64) — tested in kernel.test.ts.
 */
import { MARK_WASM_BASE64 } from "../numeric/wasm/mark-wasm.js";
import { compileSimdModule, instantiate, type WasmMemory } from "../numeric/wasm/runtime.js";
import { wordBits } from "./pattern.js";

/** Floats the kernel's memory holds (the module declares 257 pages, a fixed size). */
const KERNEL_VALUES = 1 << 22;
/**
 * Values per kernel call: wasm has no on-stack replacement, so short calls let V8 move the kernel
 * from its baseline code to optimised code after the first few.
 */
const VALUES_PER_CALL = 1 << 16;

type MarkFn = (ptr: number, rows: number, cols: number, w: number, s0: number, s1: number, strength: number) => void;
interface Kernel {
  memory: WasmMemory;
  mark: MarkFn;
  view: Float32Array;
}

let kernel: Kernel | null | undefined;
let useWasm = true;

function wasmKernel(): Kernel | null {
  if (!useWasm) return null;
  if (kernel === undefined) {
    const mod = compileSimdModule(MARK_WASM_BASE64);
    if (!mod) kernel = null;
    else {
      const { memory, exports } = instantiate(mod, "mark.wasm");
      const mark = exports["mark"];
      kernel = typeof mark === "function" && memory.buffer.byteLength >= 4 * KERNEL_VALUES ? { memory, mark: mark as MarkFn, view: new Float32Array(memory.buffer, 0, KERNEL_VALUES) } : null;
    }
  }
  return kernel;
}

/** Turn the WebAssembly kernel off (false) or back on: for tests and benchmarks comparing the two. */
export function setMarkWasm(on: boolean): void {
  useWasm = on;
}

/** Does markRows run the WebAssembly kernel for rows `cols` wide? */
export function markWasmAvailable(cols = 32): boolean {
  return cols % 32 === 0 && wasmKernel() !== null;
}

/**
 * A buffer for at least `n` floats in which markRows works without copying: a view of the kernel's
 * memory when it runs and `n` fits, else a JS array. One buffer serves one stream of rows at a time
 * (the next call may hand out the same memory).
 */
export function markBuffer(n: number): Float32Array {
  const k = wasmKernel();
  return k && n <= KERNEL_VALUES ? k.view.subarray(0, n) : new Float32Array(n);
}

/** Add the pattern to whole rows of `c` in place: rows row0, row0 + 1, ... of a matrix `cols` wide. */
export function markRows(c: Float32Array, row0: number, cols: number, s0: number, s1: number, strength: number): void {
  const k = cols % 32 === 0 ? wasmKernel() : null;
  if (!k) {
    markRowsJs(c, row0, cols, s0, s1, strength);
    return;
  }
  const rows = c.length / cols;
  const per = Math.max(1, Math.floor(VALUES_PER_CALL / cols));
  const inMemory = c.buffer === k.memory.buffer;
  // rows elsewhere go through the kernel's memory, as many as it holds at a time
  const batch = inMemory ? rows : Math.max(1, Math.floor(KERNEL_VALUES / cols));
  if (!inMemory && cols > KERNEL_VALUES) {
    markRowsJs(c, row0, cols, s0, s1, strength);
    return;
  }
  for (let b0 = 0; b0 < rows; b0 += batch) {
    const nb = Math.min(batch, rows - b0);
    let base = c.byteOffset + 4 * b0 * cols;
    if (!inMemory) {
      k.view.set(c.subarray(b0 * cols, (b0 + nb) * cols));
      base = 0;
    }
    for (let r = 0; r < nb; r += per) {
      const n = Math.min(per, nb - r);
      k.mark(base + 4 * r * cols, n, cols, ((row0 + b0 + r) * cols) / 32, s0, s1, strength);
    }
    if (!inMemory) c.set(k.view.subarray(0, nb * cols), b0 * cols);
  }
}

/** The JS loop: one hash per 32 entries, a branch-free sign per entry, no allocation. */
export function markRowsJs(c: Float32Array, row0: number, cols: number, s0: number, s1: number, strength: number): void {
  const rows = c.length / cols;
  const aligned = cols % 32 === 0;
  const wordsPerRow = cols / 32;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let ss = 0;
    for (let j = o, end = o + cols; j < end; j++) {
      const v = c[j] as number;
      ss += v * v;
    }
    const amp = strength * Math.sqrt(ss / cols);
    const two = 2 * amp;
    if (aligned) {
      let w = (row0 + r) * wordsPerRow;
      for (let at = o, end = o + cols; at < end; at += 32, w++) {
        const bits = wordBits(s0, s1, w);
        for (let b = 0; b < 32; b++) c[at + b] = (c[at + b] as number) + (((bits >>> b) & 1) * two - amp);
      }
      continue;
    }
    let k = (row0 + r) * cols;
    let j = 0;
    while (j < cols) {
      const w = Math.floor(k / 32);
      const first = k - w * 32;
      const n = Math.min(32 - first, cols - j);
      const bits = wordBits(s0, s1, w) >>> first;
      const at = o + j;
      for (let b = 0; b < n; b++) c[at + b] = (c[at + b] as number) + (((bits >>> b) & 1) * two - amp);
      j += n;
      k += n;
    }
  }
}
