/**
 * @module numeric/quants/wasm-dequant
 * Runs the WebAssembly dequantization kernels (src/numeric/wasm/dequant.wat) on blocks held in JS
 * memory: blocks are copied in by chunks, decoded, and the floats copied out. Returns false when the
 * runtime lacks WebAssembly SIMD (the caller then runs its JS loop). The instance holds the f16
 * table (256 KB) and one chunk: about 1.5 MB.
 */
import { DEQUANT_WASM_BASE64 } from "../wasm/dequant-wasm.js";
import { compileSimdModule, instantiate, type WasmMemory } from "../wasm/runtime.js";
import { F16_BITS } from "./common.js";

/** Blocks decoded per kernel call. */
const CHUNK_BLOCKS = 1024;
const TABLE_BYTES = 65536 * 4;
const MAX_BLOCK_BYTES = 210;
const VALUES = 256;

type Decode = (src: number, f16: number, dst: number, blocks: number) => void;
export type KernelName = "q2k" | "q3k" | "q4k" | "q5k" | "q6k";
const NAMES: KernelName[] = ["q2k", "q3k", "q4k", "q5k", "q6k"];
interface Kernel {
  memory: WasmMemory;
  decode: Record<KernelName, Decode>;
}

let compiled: object | null | undefined;
let kernel: Kernel | null | undefined;

function instance(): Kernel | null {
  if (kernel !== undefined) return kernel;
  if (compiled === undefined) compiled = compileSimdModule(DEQUANT_WASM_BASE64);
  if (!compiled) return (kernel = null);
  const { memory, exports } = instantiate(compiled, "dequant.wasm");
  // the module's memory is declared at full size: never grown (a grow detaches the old buffer, and
  // V8 then guards every typed-array access in the process)
  if (memory.buffer.byteLength < TABLE_BYTES + CHUNK_BLOCKS * (MAX_BLOCK_BYTES + 4 * VALUES)) throw new Error("dequant.wasm: memory smaller than declared");
  new Float32Array(memory.buffer, 0, 65536).set(F16_BITS);
  const decode = Object.fromEntries(NAMES.map((n) => [n, exports[n]]));
  if (NAMES.some((n) => typeof decode[n] !== "function")) throw new Error("dequant.wasm lacks a kernel");
  kernel = { memory, decode: decode as Record<KernelName, Decode> };
  return kernel;
}

/** Decode `nBlocks` blocks of `blockBytes` from `src` into `dst` by kernel `which`; false without SIMD. */
export function dequantizeWasm(which: KernelName, blockBytes: number, src: Uint8Array, dst: Float32Array, nBlocks: number): boolean {
  const k = instance();
  if (!k) return false;
  const buf = k.memory.buffer;
  const SRC = TABLE_BYTES;
  const DST = SRC + CHUNK_BLOCKS * MAX_BLOCK_BYTES;
  const bytes = new Uint8Array(buf, SRC, CHUNK_BLOCKS * blockBytes);
  const out = new Float32Array(buf, DST, CHUNK_BLOCKS * VALUES);
  const decode = k.decode[which];
  for (let b0 = 0; b0 < nBlocks; b0 += CHUNK_BLOCKS) {
    const n = Math.min(CHUNK_BLOCKS, nBlocks - b0);
    bytes.set(src.subarray(b0 * blockBytes, (b0 + n) * blockBytes));
    decode(SRC, 0, DST, n);
    dst.set(n === CHUNK_BLOCKS ? out : out.subarray(0, n * VALUES), b0 * VALUES);
  }
  return true;
}
