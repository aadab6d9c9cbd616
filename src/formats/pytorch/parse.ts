/**
 * @module formats/pytorch/parse
 * PyTorch checkpoints (`torch.save` since 1.6: a ZIP of `<prefix>/data.pkl` plus one raw storage per
 * `<prefix>/data/<key>`), read without executing pickle (FORMATS.md 3.5). Tensors become TensorEntries
 * over their storage's bytes in the file; the state dict is located (top level or nested), and the
 * other top-level values are returned as JSON-safe extras.
 */
import { BadInputError, check, UnsupportedError } from "../../errors.js";
import type { ByteSource } from "../../io/byte-source.js";
import { dtypeInfo } from "../../model/dtype.js";
import { readTensor, type TensorEntry } from "../../model/tensor.js";
import { countTensors, toJson } from "./extras.js";
import { MAX_BROADCAST_ELEMENTS, MAX_INFLATED_STORAGE, MAX_PICKLE_BYTES } from "./limits.js";
import { PyDict, PyTensor, typeName } from "./py-values.js";
import { findStateDict, stripWrapperPrefixes } from "./state-dict.js";
import { unpickle } from "./unpickle.js";
import { looksLikeZip, readZip, type ZipArchive } from "./zip.js";

export interface PytorchCheckpoint {
  tensors: TensorEntry[];
  /** Keys leading to the state dict ([] when the checkpoint is the state dict itself, ["model"] for nanoGPT). */
  stateDictPath: string[];
  /** The archive's top-level folder ("archive", "ckpt", the file stem...). */
  archiveName: string;
  /** Other top-level values as JSON-safe data (model_args, config, iter_num, stoi/itos...). */
  extras: Record<string, unknown>;
  close(): void;
}

/** The legacy (pre-1.6) format starts with the pickled magic number 0x1950a86a20f9469cfc6c (protocol 2, LONG1). */
const LEGACY_MAGIC = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

function startsWith(src: ByteSource, sig: readonly number[]): boolean {
  if (src.size < sig.length) return false;
  const head = src.read(0, sig.length);
  return sig.every((b, i) => head[i] === b);
}

/** Locate `<prefix>/data.pkl` and refuse archives that are not plain torch.save output. */
function findPickle(zip: ZipArchive): { prefix: string; pickle: string } {
  const pkls = zip.entries.filter((e) => /^([^/]+\/)?data\.pkl$/.test(e.name));
  if (pkls.length === 0) throw new UnsupportedError(zip.path, "a zip archive without data.pkl: not a PyTorch checkpoint");
  check(pkls.length === 1, zip.path, `zip holds ${pkls.length} data.pkl files (${pkls.map((e) => e.name).join(", ")})`);
  const name = (pkls[0] as { name: string }).name;
  const prefix = name.slice(0, name.length - "data.pkl".length);
  if (zip.get(`${prefix}constants.pkl`) || zip.entries.some((e) => e.name.startsWith(`${prefix}code/`))) {
    throw new UnsupportedError(zip.path, "a TorchScript archive (torch.jit.save): its pickles name compiled classes; save a state dict instead");
  }
  const order = zip.get(`${prefix}byteorder`);
  if (order) {
    const text = new TextDecoder().decode(zip.readAll(order, 16));
    if (text !== "little") throw new UnsupportedError(zip.path, `storages are stored ${text === "big" ? "big" : JSON.stringify(text)}-endian; only little-endian checkpoints are read`);
  }
  return { prefix, pickle: name };
}

/** Turns PyTensors into TensorEntries over the archive's storage entries, checking every view fits. */
class TensorMaker {
  private readonly sources = new Map<string, ByteSource>();
  constructor(private readonly zip: ZipArchive, private readonly prefix: string) {}

  private storage(t: PyTensor): ByteSource {
    const s = t.storage;
    const known = this.sources.get(s.key);
    if (known) return known;
    const entry = this.zip.get(`${this.prefix}data/${s.key}`);
    if (!entry) throw new BadInputError(this.zip.path, `storage ${s.key} has no entry ${this.prefix}data/${s.key} in the archive`);
    const bytes = s.numel * dtypeInfo(s.dtype).blockBytes;
    check(Number.isSafeInteger(bytes) && bytes <= entry.size, this.zip.path, `storage ${s.key}: ${s.numel} ${s.dtype} elements need ${bytes} bytes, its entry holds ${entry.size}`);
    const src = this.zip.source(entry, MAX_INFLATED_STORAGE).slice(0, bytes);
    this.sources.set(s.key, src);
    return src;
  }

  make(name: string, t: PyTensor): TensorEntry {
    const path = this.zip.path;
    const source = this.storage(t);
    const el = dtypeInfo(t.dtype).blockBytes;
    const view = `tensor "${name}" (offset ${t.storageOffset}, size [${t.shape.join(", ")}], stride [${t.stride.join(", ")}])`;
    let count = 1;
    let extent = 0; // largest element index the view reaches, relative to its first element
    let contiguous = true;
    let expect = 1;
    for (let i = t.shape.length - 1; i >= 0; i--) {
      const size = t.shape[i] as number;
      const stride = t.stride[i] as number;
      count *= size;
      extent += Math.max(size - 1, 0) * stride;
      check(Number.isSafeInteger(count) && Number.isSafeInteger(extent), path, `${view}: sizes overflow`);
      if (size !== 1 && stride !== expect) contiguous = false;
      expect *= size;
    }
    // A view may repeat storage elements (stride 0, overlapping strides), but not without bound: past
    // its storage's size (or a small broadcast), the view is refused rather than read element by element.
    const storageElements = Math.floor(source.size / el);
    check(count <= Math.max(storageElements, MAX_BROADCAST_ELEMENTS), path,
      `${view} has ${count} elements, more than its storage ${t.storage.key} holds (${storageElements})`);
    const offset = t.storageOffset * el;
    const byteLength = count === 0 ? 0 : (extent + 1) * el;
    check(Number.isSafeInteger(offset + byteLength) && offset + byteLength <= source.size, path,
      `${view} runs past its storage ${t.storage.key} (${source.size} bytes)`);
    const entry: TensorEntry = { name, shape: [...t.shape], dtype: t.dtype, source, offset, byteLength };
    return contiguous || count === 0 ? entry : { ...entry, strides: [...t.stride] };
  }
}

function exact(x: bigint): number | string {
  const n = Number(x);
  return Number.isSafeInteger(n) ? n : x.toString();
}

/** The value of a one-element tensor, exact for 64-bit integers and doubles. */
function scalarOf(e: TensorEntry): number | string {
  const b = e.source.read(e.offset, dtypeInfo(e.dtype).blockBytes);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  switch (e.dtype) {
    case "F64": return v.getFloat64(0, true);
    case "I64": return exact(v.getBigInt64(0, true));
    case "U64": return exact(v.getBigUint64(0, true));
    default: {
      const x = readTensor(e)[0] as number;
      return Number.isFinite(x) ? x : String(x);
    }
  }
}

/** Parse a PyTorch checkpoint. Throws BadInputError for malformed or hostile files, UnsupportedError for other torch formats. */
export function parsePytorch(src: ByteSource): PytorchCheckpoint {
  const path = src.path;
  if (startsWith(src, LEGACY_MAGIC)) {
    throw new UnsupportedError(path, "legacy (pre-1.6) torch.save format; re-save it with a current PyTorch (or convert to safetensors)");
  }
  if (src.size > 262 && new TextDecoder().decode(src.read(257, 5)) === "ustar") {
    throw new UnsupportedError(path, "the tar-based torch.save format of PyTorch before 0.4 is not supported");
  }
  if (!looksLikeZip(src)) {
    if (startsWith(src, [0x80])) throw new UnsupportedError(path, "a bare pickle, not a torch.save zip archive");
    throw new BadInputError(path, "not a PyTorch checkpoint (neither a zip archive nor a legacy torch file)");
  }
  const zip = readZip(src);
  const { prefix, pickle } = findPickle(zip);
  const pkl = zip.get(pickle) as NonNullable<ReturnType<ZipArchive["get"]>>;
  const root = unpickle(zip.readAll(pkl, MAX_PICKLE_BYTES), `${path}:${pickle}`);

  const choice = findStateDict(root);
  if (!choice) {
    const what = root instanceof PyDict
      ? `a dict with keys ${[...root.map.keys()].slice(0, 12).map((k) => JSON.stringify(String(k))).join(", ")}`
      : `a ${typeName(root)}`;
    throw new UnsupportedError(path, `no state dict (a dict of named tensors) found: the checkpoint holds ${what}`);
  }

  const maker = new TensorMaker(zip, prefix);
  const named: [string, PyTensor][] = [];
  for (const [k, v] of choice.dict.map) if (typeof k === "string" && v instanceof PyTensor) named.push([k, v]);
  const names = stripWrapperPrefixes(named.map(([k]) => k));
  const tensors = named.map(([, v], i) => maker.make(names[i] as string, v));

  const extras: Record<string, unknown> = {};
  if (root instanceof PyDict) {
    const ctx = { path, scalar: (t: PyTensor) => scalarOf(maker.make("(scalar)", t)) };
    const skip = choice.path[0];
    for (const [k, v] of root.map) {
      if (typeof k !== "string" || (skip === undefined ? v instanceof PyTensor : k === skip)) continue;
      // Optimizer state and other containers of tensors are named but not converted.
      const big = v instanceof PyTensor ? 0 : countTensors(v);
      const value = big > 0 ? { omitted: `${big} tensors` } : toJson(v, ctx);
      Object.defineProperty(extras, k, { value, enumerable: true, writable: true, configurable: true });
    }
  }

  return { tensors, stateDictPath: choice.path, archiveName: prefix.replace(/\/$/, ""), extras, close: () => src.close() };
}
