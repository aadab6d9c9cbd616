/**
 * @module numeric/wasm/dots
 * All dot products between m query rows and n candidate rows (row-major f32, row length d), computed by
 * the WebAssembly SIMD kernel in cosines.wat (embedded as base64 in cosines-wasm.ts; rebuild with
 * `npm run build:wasm`), with a register-blocked JS loop as the fallback when the runtime has no
 * 128-bit WASM SIMD.
 *
 * The module is compiled and instantiated synchronously on first use. Its memory holds the candidate
 * rows plus one chunk of query rows and their results: the wrapper feeds the kernel CHUNK_ROWS query rows
 * per call, which keeps the output tile in cache, bounds the memory to about n·d floats, and lets V8
 * switch from its baseline (Liftoff) code to optimised code between chunks — wasm has no on-stack
 * replacement, so one long first call would otherwise run unoptimised throughout.
 *
 * Precision: the kernel sums in f32 lanes (summation order documented in cosines.wat); the JS fallback
 * sums in f64. Both stay within 1e-5 of Σ|q·c| of an f64 reference (tested up to d = 4096).
 */
import { PedigreeError } from "../../errors.js";
import { COSINES_WASM_BASE64 } from "./cosines-wasm.js";
import { compileSimdModule, instantiate, PAGE, type WasmMemory } from "./runtime.js";

/** A call needing more wasm memory than this throws: a bug or a shape pedigree never makes. */
export const WASM_MAX_BYTES = 1536 * 1024 * 1024;
/** Memory above this is released after a call (a fresh instance is made on the next call). */
const WASM_KEEP_BYTES = 256 * 1024 * 1024;
/** Query rows per kernel call (even: the kernel works on query pairs). */
const CHUNK_ROWS = 64;
/**
 * Until the kernel has done this many multiply-adds in this process it is fed 2 query rows per call:
 * V8 starts wasm in its baseline tier (several times slower here) and moves a function to optimised
 * code only between calls, which happens within the first few of these short calls.
 */
const WARMUP_MACS = 3e7;

interface Kernel {
  memory: WasmMemory;
  dots: (qPtr: number, m: number, cPtr: number, n: number, d: number, outPtr: number) => void;
}

let module: object | null | undefined;
let kernel: Kernel | undefined;
let macsDone = 0;

/** The compiled module, or null when this runtime has no WebAssembly SIMD. */
function wasmModule(): object | null {
  if (module === undefined) module = compileSimdModule(COSINES_WASM_BASE64);
  return module;
}

/**
 * An instance whose memory holds `bytes`: the current one, or a fresh instance with a fresh memory
 * (growing would detach the old buffer and slow every typed-array access in the process).
 */
function instance(bytes = 0): Kernel | null {
  if (kernel && kernel.memory.buffer.byteLength >= bytes) return kernel;
  const mod = wasmModule();
  if (!mod) return null;
  let made: ReturnType<typeof instantiate>;
  try {
    // a little headroom, so that slowly growing calls do not make an instance each
    made = instantiate(mod, "cosines.wasm", Math.max(PAGE, Math.ceil(bytes * 1.25)));
  } catch (e) {
    throw new PedigreeError("internal", (e as Error).message);
  }
  const dots = made.exports["dots"];
  if (typeof dots !== "function") throw new PedigreeError("internal", "cosines.wasm lacks its dots export");
  kernel = { memory: made.memory, dots: dots as Kernel["dots"] };
  return kernel;
}

/** True when dotsWasm runs the WebAssembly kernel (false: it falls back to dotsJs). */
export function wasmDotsAvailable(): boolean {
  return wasmModule() !== null;
}

const align16 = (x: number): number => Math.ceil(x / 16) * 16;

/** Bytes of wasm memory a dotsWasm call of this shape uses. */
export function dotsWasmBytes(m: number, n: number, d: number): number {
  const rows = Math.min(m, CHUNK_ROWS);
  return align16(4 * n * d) + align16(4 * rows * d) + 4 * rows * n;
}

/** Current size of the kernel's memory in bytes (0 before the first call): for tests. */
export function dotsWasmMemoryBytes(): number {
  return kernel ? kernel.memory.buffer.byteLength : 0;
}

function checkShape(q: Float32Array, m: number, c: Float32Array, n: number, d: number): void {
  for (const v of [m, n, d]) {
    if (!Number.isSafeInteger(v) || v < 0) throw new PedigreeError("internal", `dots: bad dimension ${v}`);
  }
  if (q.length < m * d || c.length < n * d) {
    throw new PedigreeError("internal", `dots: inputs shorter than ${m}x${d} and ${n}x${d}`);
  }
}

/**
 * q (m x d) · cᵀ (n x d) -> m x n row-major, by the WebAssembly SIMD kernel (dotsJs when the runtime
 * lacks WASM SIMD). Throws PedigreeError("internal") when the shape needs more than WASM_MAX_BYTES.
 */
export function dotsWasm(q: Float32Array, m: number, c: Float32Array, n: number, d: number): Float32Array {
  checkShape(q, m, c, n, d);
  const out = new Float32Array(m * n);
  if (m === 0 || n === 0 || d === 0) return out;
  const need = dotsWasmBytes(m, n, d);
  if (need > WASM_MAX_BYTES) {
    throw new PedigreeError("internal", `dots ${m}x${n}x${d} needs ${need} bytes of wasm memory (limit ${WASM_MAX_BYTES})`);
  }
  const k = instance(need);
  if (!k) return dotsJs(q, m, c, n, d);

  const cPtr = 0;
  const qPtr = align16(4 * n * d);
  const rows = Math.min(m, CHUNK_ROWS);
  const oPtr = qPtr + align16(4 * rows * d);
  const buf = k.memory.buffer;
  new Float32Array(buf, cPtr, n * d).set(c.subarray(0, n * d));
  for (let i0 = 0; i0 < m; ) {
    const r = Math.min(macsDone < WARMUP_MACS ? 2 : rows, m - i0);
    new Float32Array(buf, qPtr, r * d).set(q.subarray(i0 * d, (i0 + r) * d));
    k.dots(qPtr, r, cPtr, n, d, oPtr);
    out.set(new Float32Array(buf, oPtr, r * n), i0 * n);
    macsDone += r * n * d;
    i0 += r;
  }
  // let a big memory go with its instance (the compiled module is kept)
  if (k.memory.buffer.byteLength > WASM_KEEP_BYTES) kernel = undefined;
  return out;
}

/**
 * q (m x d) · cᵀ (n x d) -> m x n in plain JS: 2 query rows x 4 candidate rows per tile, f64 sums
 * (~1.2 GMAC/s, against ~0.5 for the untiled loop).
 */
export function dotsJs(q: Float32Array, m: number, c: Float32Array, n: number, d: number): Float32Array {
  const out = new Float32Array(m * n);
  const n4 = n - (n % 4);
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const qa = i * d;
    const qb = qa + d;
    const oa = i * n;
    const ob = oa + n;
    for (let j = 0; j < n4; j += 4) {
      const c0 = j * d;
      const c1 = c0 + d;
      const c2 = c1 + d;
      const c3 = c2 + d;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
      for (let k = 0; k < d; k++) {
        const x = q[qa + k] as number;
        const y = q[qb + k] as number;
        const w0 = c[c0 + k] as number;
        const w1 = c[c1 + k] as number;
        const w2 = c[c2 + k] as number;
        const w3 = c[c3 + k] as number;
        a0 += x * w0; a1 += x * w1; a2 += x * w2; a3 += x * w3;
        b0 += y * w0; b1 += y * w1; b2 += y * w2; b3 += y * w3;
      }
      out[oa + j] = a0; out[oa + j + 1] = a1; out[oa + j + 2] = a2; out[oa + j + 3] = a3;
      out[ob + j] = b0; out[ob + j + 1] = b1; out[ob + j + 2] = b2; out[ob + j + 3] = b3;
    }
    for (let j = n4; j < n; j++) {
      const co = j * d;
      let a = 0;
      let b = 0;
      for (let k = 0; k < d; k++) {
        const w = c[co + k] as number;
        a += (q[qa + k] as number) * w;
        b += (q[qb + k] as number) * w;
      }
      out[oa + j] = a;
      out[ob + j] = b;
    }
  }
  for (; i < m; i++) {
    const qa = i * d;
    for (let j = 0; j < n; j++) {
      const co = j * d;
      let a = 0;
      for (let k = 0; k < d; k++) a += (q[qa + k] as number) * (c[co + k] as number);
      out[i * n + j] = a;
    }
  }
  return out;
}
