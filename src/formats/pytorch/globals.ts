/**
 * @module formats/pytorch/globals
 * The allow-list of Python globals a checkpoint may name, and what "calling" each one means here.
 * Modelled on torch's own weights_only unpickler (torch/_weights_only_unpickler.py,
 * `_get_allowed_globals`): containers, tensor rebuild functions, storage classes, dtypes,
 * torch.Size/device, and numpy scalars as inert data. Every other global is refused by name.
 */
import { BadInputError, check, UnsupportedError } from "../../errors.js";
import type { Dtype } from "../../model/dtype.js";
import { MAX_DIMS } from "./limits.js";
import { PyDict, PyGlobal, PyObject, PySet, PyStorage, PyTensor, PyTuple, typeName, type PyValue } from "./py-values.js";

type Call = (args: readonly PyValue[], path: string) => PyValue;

/** Storage class name -> element type. UntypedStorage holds bytes; its tensors name their dtype (_rebuild_tensor_v3). */
const STORAGE_DTYPES = new Map<string, Dtype>(Object.entries({
  DoubleStorage: "F64", FloatStorage: "F32", HalfStorage: "F16", BFloat16Storage: "BF16",
  LongStorage: "I64", IntStorage: "I32", ShortStorage: "I16", CharStorage: "I8",
  ByteStorage: "U8", BoolStorage: "BOOL", UntypedStorage: "U8",
} satisfies Record<string, Dtype>));

/** torch dtype attribute name -> element type; undefined for dtypes pedigree cannot decode (complex, quantized, fnuz). */
const TORCH_DTYPES = new Map<string, Dtype | undefined>(Object.entries({
  float64: "F64", double: "F64", float32: "F32", float: "F32", float16: "F16", half: "F16", bfloat16: "BF16",
  int64: "I64", long: "I64", int32: "I32", int: "I32", int16: "I16", short: "I16", int8: "I8",
  uint8: "U8", uint16: "U16", uint32: "U32", uint64: "U64", bool: "BOOL",
  float8_e4m3fn: "F8_E4M3", float8_e5m2: "F8_E5M2",
  complex32: undefined, complex64: undefined, complex128: undefined, cfloat: undefined, cdouble: undefined,
  float8_e4m3fnuz: undefined, float8_e5m2fnuz: undefined, float8_e8m0fnu: undefined,
  qint8: undefined, quint8: undefined, qint32: undefined, quint4x2: undefined, quint2x4: undefined,
  bits8: undefined, bits16: undefined, bits1x8: undefined, bits2x4: undefined, bits4x2: undefined,
} satisfies Record<string, Dtype | undefined>));

function isStorageClass(module: string, name: string): boolean {
  return (module === "torch" || module === "torch.cuda" || module === "torch.storage") && /^[A-Za-z0-9]+Storage$/.test(name);
}

/** The element type of a storage class global named in a persistent id. */
export function storageDtype(cls: PyValue, path: string): Dtype {
  check(cls instanceof PyGlobal && isStorageClass(cls.module, cls.name), path, `pickle: persistent id names ${typeName(cls)}, not a storage class`);
  const dtype = STORAGE_DTYPES.get(cls.name);
  if (dtype === undefined) throw new UnsupportedError(path, `storage type ${cls.qualified} is not supported (complex and quantized tensors are not read)`);
  return dtype;
}

function torchDtype(v: PyValue, path: string): Dtype {
  check(v instanceof PyGlobal && v.module === "torch" && TORCH_DTYPES.has(v.name), path, `pickle: expected a torch dtype, got ${typeName(v)}`);
  const dtype = TORCH_DTYPES.get(v.name);
  if (dtype === undefined) throw new UnsupportedError(path, `tensors of dtype torch.${v.name} are not supported`);
  return dtype;
}

function count(v: PyValue, path: string, what: string): number {
  check(typeof v === "number" && Number.isSafeInteger(v) && v >= 0, path, `pickle: ${what} is ${typeName(v)} ${String(v)}, not a non-negative integer`);
  return v;
}

function intTuple(v: PyValue, path: string, what: string): number[] {
  const items = v instanceof PyTuple ? v.items : Array.isArray(v) ? v : undefined;
  check(items !== undefined, path, `pickle: tensor ${what} is a ${typeName(v)}, not a tuple`);
  check(items.length <= MAX_DIMS, path, `pickle: tensor ${what} has ${items.length} dimensions (at most ${MAX_DIMS})`);
  return items.map((x, i) => count(x, path, `tensor ${what}[${i}]`));
}

/** _rebuild_tensor(storage, storage_offset, size, stride, ...); _v3 adds the dtype as its 7th argument. */
function rebuildTensor(args: readonly PyValue[], path: string, minArgs: number, dtypeArg?: number): PyTensor {
  check(args.length >= minArgs, path, `pickle: tensor rebuild called with ${args.length} arguments (expected ${minArgs})`);
  const storage = args[0] as PyValue;
  check(storage instanceof PyStorage, path, `pickle: tensor rebuilt from a ${typeName(storage)}, not a storage`);
  const offset = count(args[1] as PyValue, path, "storage offset");
  const shape = intTuple(args[2] as PyValue, path, "size");
  const stride = intTuple(args[3] as PyValue, path, "stride");
  check(shape.length === stride.length, path, `pickle: tensor size has ${shape.length} dimensions but stride has ${stride.length}`);
  const dtype = dtypeArg === undefined ? storage.dtype : torchDtype(args[dtypeArg] as PyValue, path);
  return new PyTensor(storage, dtype, offset, shape, stride, args[4] === true);
}

function tensorArg(v: PyValue | undefined, path: string, what: string): PyTensor {
  check(v instanceof PyTensor, path, `pickle: ${what} wraps a ${v === undefined ? "nothing" : typeName(v)}, not a tensor`);
  return v;
}

function orderedDict(args: readonly PyValue[], path: string): PyDict {
  const d = new PyDict("collections.OrderedDict");
  const items = args[0];
  if (items === undefined) return d;
  check(Array.isArray(items), path, "pickle: OrderedDict called with something other than a list of pairs");
  for (const pair of items) {
    const kv = pair instanceof PyTuple ? pair.items : Array.isArray(pair) ? pair : [];
    check(kv.length === 2, path, "pickle: OrderedDict item is not a (key, value) pair");
    d.map.set(kv[0] as PyValue, kv[1] as PyValue);
  }
  return d;
}

function setOf(frozen: boolean): Call {
  return (args, path) => {
    const items = args[0] ?? [];
    const list = Array.isArray(items) ? items : items instanceof PyTuple ? items.items : undefined;
    check(list !== undefined, path, `pickle: set built from a ${typeName(items)}`);
    return new PySet([...list], frozen);
  };
}

/** `_codecs.encode(text, "latin1")` is how protocol 2 writes Python 3 bytes. */
function latin1(args: readonly PyValue[], path: string): Uint8Array {
  const [text, enc] = args;
  if (text === undefined) return new Uint8Array(0);
  if (text instanceof Uint8Array) return text.slice();
  check(typeof text === "string" && (enc === "latin1" || enc === "latin-1"), path, "pickle: _codecs.encode is allowed only as encode(str, 'latin1')");
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    check(c < 256, path, "pickle: latin1 text holds a character above U+00FF");
    out[i] = c;
  }
  return out;
}

function device(args: readonly PyValue[], path: string): string {
  const [kind, index] = args;
  check(typeof kind === "string", path, "pickle: torch.device called without a device name");
  return typeof index === "number" ? `${kind}:${index}` : kind;
}

/** numpy.core.multiarray.scalar(dtype, raw bytes): a number when the dtype is a plain one, else an inert object. */
function numpyScalar(args: readonly PyValue[]): PyValue {
  const [dtype, raw] = args;
  const opaque = new PyObject("numpy.scalar", args);
  if (!(dtype instanceof PyObject) || dtype.className !== "numpy.dtype" || !(raw instanceof Uint8Array)) return opaque;
  const descr = dtype.args[0];
  const endian = dtype.state instanceof PyTuple ? dtype.state.items[1] : "<";
  if (typeof descr !== "string") return opaque;
  const m = /^([fiub])(\d)$/.exec(descr);
  if (!m || raw.length !== Number(m[2])) return opaque;
  const v = new DataView(raw.buffer, raw.byteOffset, raw.length);
  const le = endian !== ">";
  switch (descr) {
    case "f4": return v.getFloat32(0, le);
    case "f8": return v.getFloat64(0, le);
    case "i1": return v.getInt8(0);
    case "i2": return v.getInt16(0, le);
    case "i4": return v.getInt32(0, le);
    case "i8": return narrowBig(v.getBigInt64(0, le));
    case "u1": return v.getUint8(0);
    case "u2": return v.getUint16(0, le);
    case "u4": return v.getUint32(0, le);
    case "u8": return narrowBig(v.getBigUint64(0, le));
    case "b1": return v.getUint8(0) !== 0;
    default: return opaque;
  }
}

export function narrowBig(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** Allowed globals with a meaning when called (REDUCE / NEWOBJ). Python 2's `__builtin__` is looked up as `builtins`. */
const CALLABLE = new Map<string, Call>(Object.entries({
  "collections.OrderedDict": orderedDict,
  "builtins.set": setOf(false),
  "builtins.frozenset": setOf(true),
  "builtins.bytearray": latin1,
  "_codecs.encode": latin1,
  "torch.Size": (args, path) => new PyTuple(intTuple(args[0] ?? new PyTuple([]), path, "torch.Size")),
  "torch.device": device,
  "torch._utils._rebuild_tensor": (a, p) => rebuildTensor(a, p, 4),
  "torch._utils._rebuild_tensor_v2": (a, p) => rebuildTensor(a, p, 6),
  "torch._utils._rebuild_tensor_v3": (a, p) => rebuildTensor(a, p, 7, 6),
  "torch._utils._rebuild_parameter": (a, p) => tensorArg(a[0], p, "_rebuild_parameter"),
  "torch._utils._rebuild_parameter_with_state": (a, p) => tensorArg(a[0], p, "_rebuild_parameter_with_state"),
  "torch.nn.parameter.Parameter": (a, p) => tensorArg(a[0], p, "Parameter"),
  "torch._tensor._rebuild_from_type_v2": (a, p) => {
    // (func, new_type, args, state): a tensor subclass or a tensor with Python attributes; keep the tensor.
    const [func, cls, inner] = a;
    check(cls instanceof PyGlobal && (cls.qualified === "torch.Tensor" || cls.qualified === "torch.nn.parameter.Parameter"), p, `pickle: tensor of type ${cls === undefined ? "?" : typeName(cls)} is not allowed`);
    check(func instanceof PyGlobal && inner instanceof PyTuple, p, "pickle: malformed _rebuild_from_type_v2 call");
    check(func.qualified.startsWith("torch._utils._rebuild_"), p, `pickle: _rebuild_from_type_v2 wraps ${func.qualified}, not a tensor rebuild`);
    return tensorArg(callGlobal(func, inner.items, p), p, "_rebuild_from_type_v2");
  },
  "numpy.core.multiarray.scalar": (a) => numpyScalar(a),
  "numpy._core.multiarray.scalar": (a) => numpyScalar(a),
  "numpy.dtype": (a) => new PyObject("numpy.dtype", a),
  "numpy.core.multiarray._reconstruct": (a) => new PyObject("numpy.ndarray", a),
  "numpy._core.multiarray._reconstruct": (a) => new PyObject("numpy.ndarray", a),
} satisfies Record<string, Call>));

/** Allowed globals that are only ever values (never called): class markers used by the callables above. */
const MARKERS = new Set(["torch.Tensor", "numpy.ndarray"]);

function lookupName(module: string, name: string): string {
  return `${module === "__builtin__" ? "builtins" : module}.${name}`;
}

/** GLOBAL / STACK_GLOBAL: an allowed global as a value, or a BadInputError naming the refused one. */
export function resolveGlobal(module: string, name: string, path: string): PyGlobal {
  const key = lookupName(module, name);
  const allowed = CALLABLE.has(key) || MARKERS.has(key) || isStorageClass(module, name) || (module === "torch" && TORCH_DTYPES.has(name));
  if (!allowed) {
    const hint = module === "__main__" || module.startsWith("torch.nn.modules")
      ? "; it looks like a whole pickled model object, and only a state dict can be read safely"
      : "";
    throw new BadInputError(path, `refuses to load: the pickle calls ${module}.${name} (only tensors, storages and plain containers are allowed${hint})`);
  }
  return new PyGlobal(module, name);
}

/** REDUCE / NEWOBJ on an allowed global. */
export function callGlobal(fn: PyValue, args: readonly PyValue[], path: string): PyValue {
  check(fn instanceof PyGlobal, path, `pickle: calls a ${typeName(fn)}, which is not a callable global`);
  const call = CALLABLE.get(lookupName(fn.module, fn.name));
  check(call !== undefined, path, `pickle: calls ${fn.qualified}, which is allowed only as a value`);
  return call(args, path);
}
