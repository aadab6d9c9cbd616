/**
 * @module numeric/wasm/runtime
 * The slice of the WebAssembly JS API pedigree's kernels use, and compiling an embedded module
 * (base64) once — or null when this runtime lacks 128-bit WebAssembly SIMD, so that callers fall
 * back to their JS loops.
 */

/** The slice of the WebAssembly JS API used here (the project's libs, ES2023 + node, do not declare it). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}
export const WASM = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
export const PAGE = 65536;

/** (module (func (result v128) (i32x4.splat (i32.const 0)))): validates iff the runtime has SIMD. */
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03, 0x02, 0x01,
  0x00, 0x0a, 0x08, 0x01, 0x06, 0x00, 0x41, 0x00, 0xfd, 0x11, 0x0b,
]);

/** The compiled module of `base64`, or null when this runtime has no WebAssembly SIMD. */
export function compileSimdModule(base64: string): object | null {
  try {
    if (WASM && WASM.validate(SIMD_PROBE)) return new WASM.Module(Buffer.from(base64, "base64"));
  } catch {
    // an engine without SIMD (or without WebAssembly) gets the JS loops
  }
  return null;
}

/**
 * The exports of a fresh instance and its memory: `bytes` of new memory passed in as env.memory
 * (modules that import theirs), else the module's own exported memory.
 */
export function instantiate(module: object, what: string, bytes?: number): { memory: WasmMemory; exports: Record<string, unknown> } {
  const api = WASM as WasmApi;
  const imported = bytes === undefined ? undefined : new api.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE)) });
  const exports = new api.Instance(module, imported ? { env: { memory: imported } } : {}).exports;
  const memory = imported ?? exports["memory"];
  if (!(memory instanceof api.Memory)) throw new Error(`${what} lacks its memory`);
  return { memory, exports };
}
