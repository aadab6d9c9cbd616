/**
 * Builders for synthetic torch checkpoints in memory: a minimal ZIP writer (stored or deflated
 * entries, optional ZIP64 records) and pickle fragments for state dicts of rebuilt tensors.
 * Tests only; the layouts follow APPNOTE.TXT and what torch.save writes.
 */
import { crc32, deflateRawSync } from "node:zlib";

/** Pickle fragments: numbers are single bytes, strings are raw latin-1 bytes, arrays nest. */
export type Part = number | string | Uint8Array | readonly Part[];

export function bytes(...parts: Part[]): Uint8Array {
  const out: number[] = [];
  const add = (p: Part): void => {
    if (typeof p === "number") out.push(p & 0xff);
    else if (typeof p === "string") for (let i = 0; i < p.length; i++) out.push(p.charCodeAt(i) & 0xff);
    else if (p instanceof Uint8Array) for (const b of p) out.push(b);
    else for (const x of p) add(x);
  };
  parts.forEach(add);
  return Uint8Array.from(out);
}

export function le(value: number, width: 2 | 4 | 8): Uint8Array {
  const b = new Uint8Array(width);
  const v = new DataView(b.buffer);
  if (width === 2) v.setUint16(0, value, true);
  else if (width === 4) v.setUint32(0, value >>> 0, true);
  else v.setBigUint64(0, BigInt(value), true);
  return b;
}

/** BINUNICODE */
export const str = (s: string): Part => { const u = new TextEncoder().encode(s); return [0x58, le(u.length, 4), u]; };
/** BININT */
export const int = (n: number): Part => [0x4a, le(n, 4)];
/** GLOBAL */
export const glob = (module: string, name: string): Part => `c${module}\n${name}\n`;
export const MARK = 0x28, TUPLE = 0x74, REDUCE = 0x52, STOP = 0x2e, EMPTY_DICT = 0x7d, SETITEM = 0x73, SETITEMS = 0x75, NEWFALSE = 0x89, BINPERSID = 0x51;

export interface TensorSpec {
  key: string;
  numel: number;
  size: number[];
  stride?: number[];
  offset?: number;
  storageClass?: string;
}

function rowMajor(size: number[]): number[] {
  const s = new Array<number>(size.length).fill(1);
  for (let i = size.length - 2; i >= 0; i--) s[i] = (s[i + 1] as number) * (size[i + 1] as number);
  return s;
}

/** `torch._utils._rebuild_tensor_v2(persistent storage, offset, size, stride, False, OrderedDict())` */
export function tensor(t: TensorSpec): Part {
  const tuple = (xs: number[]): Part => [MARK, xs.map(int), TUPLE];
  return [
    glob("torch._utils", "_rebuild_tensor_v2"), MARK,
    MARK, str("storage"), glob("torch", t.storageClass ?? "FloatStorage"), str(t.key), str("cpu"), int(t.numel), TUPLE, BINPERSID,
    int(t.offset ?? 0), tuple(t.size), tuple(t.stride ?? rowMajor(t.size)), NEWFALSE,
    glob("collections", "OrderedDict"), 0x29, REDUCE,
    TUPLE, REDUCE,
  ];
}

/** A dict (OrderedDict when `ordered`) of string keys. */
export function dict(entries: [string, Part][], ordered = false): Part {
  const head: Part = ordered ? [glob("collections", "OrderedDict"), 0x29, REDUCE] : EMPTY_DICT;
  return entries.length === 0 ? head : [head, MARK, entries.map(([k, v]) => [str(k), v]), SETITEMS];
}

/** A whole data.pkl: PROTO 2, the object, STOP. */
export function pickle(obj: Part): Uint8Array {
  return bytes(0x80, 0x02, obj, STOP);
}

export interface ZipFile { name: string; data: Uint8Array; method?: 0 | 8 | 12 }

/** A ZIP archive; with `zip64`, sizes and offsets live only in ZIP64 extra fields and records. */
export function zip(files: ZipFile[], opts: { zip64?: boolean; comment?: string } = {}): Uint8Array {
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const z64 = opts.zip64 === true;
  for (const f of files) {
    const method = f.method ?? 0;
    const body = method === 8 ? new Uint8Array(deflateRawSync(f.data)) : f.data;
    const name = new TextEncoder().encode(f.name);
    const crc = crc32(f.data) >>> 0;
    const local = bytes(le(0x04034b50, 4), le(45, 2), le(0, 2), le(method, 2), le(0, 4), le(crc, 4),
      le(body.length, 4), le(f.data.length, 4), le(name.length, 2), le(0, 2), name);
    const extra = z64 ? bytes(le(1, 2), le(24, 2), le(f.data.length, 8), le(body.length, 8), le(offset, 8)) : new Uint8Array(0);
    central.push(bytes(le(0x02014b50, 4), le(45, 2), le(45, 2), le(0, 2), le(method, 2), le(0, 4), le(crc, 4),
      le(z64 ? 0xffffffff : body.length, 4), le(z64 ? 0xffffffff : f.data.length, 4), le(name.length, 2), le(extra.length, 2),
      le(0, 2), le(0, 2), le(0, 2), le(0, 4), le(z64 ? 0xffffffff : offset, 4), name, extra));
    chunks.push(local, body);
    offset += local.length + body.length;
  }
  const cd = bytes(...central);
  const cdOffset = offset;
  const tail: Part[] = [];
  if (z64) {
    const rec = cdOffset + cd.length;
    tail.push(le(0x06064b50, 4), le(44, 8), le(45, 2), le(45, 2), le(0, 4), le(0, 4),
      le(files.length, 8), le(files.length, 8), le(cd.length, 8), le(cdOffset, 8));
    tail.push(le(0x07064b50, 4), le(0, 4), le(rec, 8), le(1, 4));
  }
  const comment = opts.comment ?? "";
  tail.push(le(0x06054b50, 4), le(0, 2), le(0, 2), le(z64 ? 0xffff : files.length, 2), le(z64 ? 0xffff : files.length, 2),
    le(z64 ? 0xffffffff : cd.length, 4), le(z64 ? 0xffffffff : cdOffset, 4), le(comment.length, 2), comment);
  return bytes(...chunks, cd, ...tail);
}

export function f32(values: number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

/** A torch.save-style archive: `<prefix>/data.pkl`, `<prefix>/version`, `<prefix>/data/<key>` per storage. */
export function checkpoint(pkl: Uint8Array, storages: Record<string, Uint8Array>, opts: { prefix?: string; zip64?: boolean; pklMethod?: 0 | 8 | 12 } = {}): Uint8Array {
  const prefix = opts.prefix ?? "archive";
  return zip([
    { name: `${prefix}/data.pkl`, data: pkl, method: opts.pklMethod ?? 0 },
    { name: `${prefix}/byteorder`, data: bytes("little") },
    ...Object.entries(storages).map(([k, data]) => ({ name: `${prefix}/data/${k}`, data })),
    { name: `${prefix}/version`, data: bytes("3\n") },
  ], { zip64: opts.zip64 });
}
