/**
 * @module formats/pytorch/extras
 * A checkpoint's non-weight values (model_args, config, iter_num, stoi/itos, ...) as JSON-safe data:
 * dicts become objects, tuples/sets become arrays, big ints and non-finite floats become strings,
 * one-element tensors become their value, larger tensors a {tensor: {dtype, shape}} stub.
 */
import { BadInputError } from "../../errors.js";
import { numel } from "../../model/tensor.js";
import { MAX_EXTRA_VALUES } from "./limits.js";
import { PyDict, PyGlobal, PyObject, PySet, PyStorage, PyTensor, PyTuple, isContainer, childrenOf, type PyValue } from "./py-values.js";

/** Bytes values up to this size are kept (base64); longer ones only by length. */
const MAX_INLINE_BYTES = 64 << 10;

export interface ExtrasContext {
  path: string;
  /** The value of a one-element tensor. */
  scalar(t: PyTensor): number | string;
}

/** Set a key without ever touching a prototype (a pickle may well use "__proto__" as a dict key). */
function define(out: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}

/** How many tensors of more than one element a value holds (each shared object counted once). */
export function countTensors(v: PyValue): number {
  const seen = new Set<object>();
  let n = 0;
  const todo: PyValue[] = [v];
  while (todo.length > 0) {
    const x = todo.pop() as PyValue;
    if (x instanceof PyTensor && numel(x.shape) !== 1) n++;
    if (!isContainer(x) || seen.has(x)) continue;
    seen.add(x);
    for (const c of childrenOf(x)) todo.push(c);
  }
  return n;
}

function keyString(k: unknown): string {
  return typeof k === "string" ? k : k === null || typeof k !== "object" ? String(k) : JSON.stringify(k);
}

export function toJson(v: PyValue, ctx: ExtrasContext): unknown {
  let budget = MAX_EXTRA_VALUES;
  const conv = (x: PyValue): unknown => {
    if (--budget < 0) throw new BadInputError(ctx.path, `checkpoint data holds more than ${MAX_EXTRA_VALUES} values (or shares one object absurdly often)`);
    if (x === null || typeof x === "string" || typeof x === "boolean") return x;
    if (typeof x === "number") return Number.isFinite(x) ? x : String(x);
    if (typeof x === "bigint") return x.toString();
    if (x instanceof Uint8Array) return x.length <= MAX_INLINE_BYTES ? { bytes: Buffer.from(x).toString("base64") } : { byteLength: x.length };
    if (Array.isArray(x)) return x.map(conv);
    if (x instanceof PyTuple) return x.items.map(conv);
    if (x instanceof PySet) return x.items.map(conv);
    if (x instanceof PyDict) {
      const out: Record<string, unknown> = {};
      for (const [k, val] of x.map) define(out, typeof k === "string" ? k : keyString(conv(k)), conv(val));
      return out;
    }
    if (x instanceof PyTensor) return numel(x.shape) === 1 ? ctx.scalar(x) : { tensor: { dtype: x.dtype, shape: [...x.shape] } };
    if (x instanceof PyStorage) return { storage: x.key, dtype: x.dtype, numel: x.numel };
    if (x instanceof PyGlobal) return x.qualified;
    if (x instanceof PyObject) return { class: x.className };
    return null;
  };
  return conv(v);
}
