/**
 * @module formats/pytorch/py-values
 * The plain data a restricted unpickler may produce: None, bool, int (bigint beyond 2^53), float,
 * str, bytes, list (a JS array), tuple, dict, set, and the few torch/numpy objects it understands
 * (storages, tensor views, inert markers). Nothing here can run code; these are records.
 */
import type { Dtype } from "../../model/dtype.js";
import { check } from "../../errors.js";
import { MAX_NESTING } from "./limits.js";

export type PyValue =
  | null | boolean | number | bigint | string | Uint8Array
  | PyValue[] | PyTuple | PyDict | PySet
  | PyGlobal | PyObject | PyStorage | PyTensor;

export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
}

/** dict or collections.OrderedDict: insertion-ordered; keys compare like JS Map keys. */
export class PyDict {
  readonly map = new Map<PyValue, PyValue>();
  /** What BUILD set (a state_dict's `_metadata`), kept but never interpreted. */
  state: PyValue = null;
  constructor(readonly className: "dict" | "collections.OrderedDict" = "dict") {}
}

export class PySet {
  constructor(readonly items: PyValue[], readonly frozen: boolean) {}
}

/** An allow-listed global used as a value (a torch dtype, a storage class, torch.Tensor). */
export class PyGlobal {
  constructor(readonly module: string, readonly name: string) {}
  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}

/** An instance of an inert allow-listed class (numpy.dtype, numpy.ndarray): its arguments and state, nothing more. */
export class PyObject {
  state: PyValue = null;
  constructor(readonly className: string, readonly args: readonly PyValue[]) {}
}

/** A storage named by a persistent id: `('storage', <class>, key, location, numel)`; its bytes are zip entry `data/<key>`. */
export class PyStorage {
  constructor(
    readonly key: string,
    readonly dtype: Dtype,
    /** Elements of `dtype` (bytes for an UntypedStorage). */
    readonly numel: number,
    readonly location: string,
  ) {}
}

/** A tensor view of a storage, as `torch._utils._rebuild_tensor_v2` would build it. Offsets and strides are in elements of `dtype`. */
export class PyTensor {
  constructor(
    readonly storage: PyStorage,
    readonly dtype: Dtype,
    readonly storageOffset: number,
    readonly shape: readonly number[],
    readonly stride: readonly number[],
    readonly requiresGrad: boolean,
  ) {}
}

export function isContainer(v: PyValue): v is PyValue[] | PyTuple | PyDict | PySet | PyObject {
  return Array.isArray(v) || v instanceof PyTuple || v instanceof PyDict || v instanceof PySet || v instanceof PyObject;
}

/** The values directly inside a container (dict keys and values both count). */
export function childrenOf(v: PyValue): readonly PyValue[] {
  if (Array.isArray(v)) return v;
  if (v instanceof PyTuple) return v.items;
  if (v instanceof PySet) return v.items;
  if (v instanceof PyDict) {
    const out: PyValue[] = [];
    for (const [k, x] of v.map) out.push(k, x);
    out.push(v.state);
    return out;
  }
  if (v instanceof PyObject) return [...v.args, v.state];
  return [];
}

/**
 * Refuse results a consumer could not walk safely: reference cycles, and containers nested deeper
 * than MAX_NESTING along any path. Linear in the number of references (each container is explored once).
 */
export function checkShape(root: PyValue, path: string): void {
  const height = new Map<object, number>();
  const onPath = new Set<object>();
  const stack: { node: object; kids: readonly PyValue[]; i: number; h: number }[] = [];
  const visit = (v: PyValue): number | undefined => {
    if (!isContainer(v)) return 0;
    const known = height.get(v);
    if (known !== undefined) {
      check(stack.length + known < MAX_NESTING, path, `pickle: containers nested deeper than ${MAX_NESTING} levels`);
      return known;
    }
    check(!onPath.has(v), path, "pickle: the data holds a reference cycle");
    check(stack.length < MAX_NESTING, path, `pickle: containers nested deeper than ${MAX_NESTING} levels`);
    onPath.add(v);
    stack.push({ node: v, kids: childrenOf(v), i: 0, h: 0 });
    return undefined;
  };
  visit(root);
  while (stack.length > 0) {
    const f = stack[stack.length - 1] as (typeof stack)[number];
    if (f.i < f.kids.length) {
      const h = visit(f.kids[f.i++] as PyValue);
      if (h !== undefined) f.h = Math.max(f.h, h + 1);
      continue;
    }
    stack.pop();
    onPath.delete(f.node);
    height.set(f.node, f.h);
    const parent = stack[stack.length - 1];
    if (parent) parent.h = Math.max(parent.h, f.h + 1);
  }
}

/** A short description of a value's type for error messages. */
export function typeName(v: PyValue): string {
  if (v === null) return "None";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "bigint") return "int";
  if (typeof v === "string") return "str";
  if (v instanceof Uint8Array) return "bytes";
  if (Array.isArray(v)) return "list";
  if (v instanceof PyTuple) return "tuple";
  if (v instanceof PyDict) return v.className;
  if (v instanceof PySet) return v.frozen ? "frozenset" : "set";
  if (v instanceof PyGlobal) return v.qualified;
  if (v instanceof PyObject) return v.className;
  if (v instanceof PyStorage) return "storage";
  return "tensor";
}
