/**
 * @module fingerprint/codec
 * Fingerprints as bytes, in parts that can be stored and loaded separately: `meta` (summary,
 * anchors, coordinates, index key) and one `layer.N` part per layer. Each part is
 * `PDFP` · u32 format version · u32 JSON length · JSON · binary arrays (offsets in the JSON).
 * A part written by a newer version is refused with a clear error, never misread.
 */
import { BadInputError } from "../errors.js";
import type { Sketch } from "./sketch.js";
import { FINGERPRINT_VERSION, type Fingerprint, type LayerPrint } from "./types.js";

const MAGIC = [0x50, 0x44, 0x46, 0x50]; // "PDFP"
const MAX_JSON = 64 << 20;

type ArrayRef = { o: number; n: number; t: "i8" | "f32" | "i32" | "u8" | "u16" | "u32" };

class Packer {
  private chunks: Uint8Array[] = [];
  private size = 0;
  put(a: Int8Array | Float32Array | Int32Array | Uint8Array | Uint16Array | Uint32Array): ArrayRef {
    const pad = (4 - (this.size % 4)) % 4;
    if (pad) {
      this.chunks.push(new Uint8Array(pad));
      this.size += pad;
    }
    const t: ArrayRef["t"] = a instanceof Int8Array ? "i8" : a instanceof Float32Array ? "f32" : a instanceof Int32Array ? "i32" : a instanceof Uint16Array ? "u16" : a instanceof Uint32Array ? "u32" : "u8";
    const ref = { o: this.size, n: a.length, t };
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice();
    this.chunks.push(bytes);
    this.size += bytes.length;
    return ref;
  }
  sketch(s: Sketch | null): unknown {
    return s ? { rows: s.rows, cols: s.cols, q: this.put(s.q), scale: this.put(s.scale) } : null;
  }
  finish(json: unknown): Uint8Array {
    const text = new TextEncoder().encode(JSON.stringify(json));
    const out = new Uint8Array(12 + text.length + ((4 - (text.length % 4)) % 4) + this.size);
    out.set(MAGIC, 0);
    const v = new DataView(out.buffer);
    v.setUint32(4, FINGERPRINT_VERSION, true);
    v.setUint32(8, text.length, true);
    out.set(text, 12);
    let o = 12 + text.length + ((4 - (text.length % 4)) % 4);
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

class Unpacker {
  readonly json: Record<string, unknown>;
  private base: number;
  constructor(private readonly bytes: Uint8Array, private readonly what: string) {
    if (bytes.length < 12 || MAGIC.some((m, i) => bytes[i] !== m)) throw new BadInputError(what, "not a pedigree fingerprint");
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const version = v.getUint32(4, true);
    if (version > FINGERPRINT_VERSION) throw new BadInputError(what, `fingerprint format version ${version} is newer than this pedigree reads (${FINGERPRINT_VERSION}): upgrade pedigree`);
    if (version < FINGERPRINT_VERSION) throw new BadInputError(what, `fingerprint format version ${version} is older than this pedigree reads (${FINGERPRINT_VERSION}): fingerprint the model again`);
    const len = v.getUint32(8, true);
    if (len > MAX_JSON || 12 + len > bytes.length) throw new BadInputError(what, "fingerprint header runs past its end");
    try {
      this.json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(12, 12 + len))) as Record<string, unknown>;
    } catch {
      throw new BadInputError(what, "fingerprint header is not valid JSON");
    }
    this.base = 12 + len + ((4 - (len % 4)) % 4);
  }
  get<T extends Int8Array | Float32Array | Int32Array | Uint8Array | Uint16Array | Uint32Array>(ref: unknown): T {
    const r = ref as ArrayRef;
    const size = { i8: 1, u8: 1, u16: 2, f32: 4, i32: 4, u32: 4 }[r?.t];
    if (!r || size === undefined || !Number.isSafeInteger(r.o) || !Number.isSafeInteger(r.n) || r.o < 0 || r.n < 0 || this.base + r.o + r.n * size > this.bytes.length) {
      throw new BadInputError(this.what, "fingerprint array runs past its end");
    }
    const slice = this.bytes.slice(this.base + r.o, this.base + r.o + r.n * size);
    const ctor = { i8: Int8Array, u8: Uint8Array, u16: Uint16Array, f32: Float32Array, i32: Int32Array, u32: Uint32Array }[r.t];
    return new ctor(slice.buffer, 0, r.n) as T;
  }
  sketch(j: unknown): Sketch | null {
    if (j === null || j === undefined) return null;
    const s = j as { rows: number; cols: number; q: unknown; scale: unknown };
    const q = this.get<Int8Array>(s.q);
    const scale = this.get<Float32Array>(s.scale);
    if (q.length !== s.rows * s.cols || scale.length !== s.rows) throw new BadInputError(this.what, "fingerprint sketch has inconsistent sizes");
    return { rows: s.rows, cols: s.cols, q, scale };
  }
}

export function encodeMeta(fp: Fingerprint): Uint8Array {
  const p = new Packer();
  return p.finish({
    kind: "meta", version: fp.version, summary: fp.summary, dim: fp.dim, space: fp.space, coords: p.put(fp.coords),
    anchors: { texts: fp.anchors.texts, embed: p.sketch(fp.anchors.embed) },
    layers: fp.layers.length,
    index: { codes: p.put(fp.index.codes), kinds: p.put(fp.index.kinds), layers: p.put(fp.index.layers) },
  });
}

export function encodeLayer(lp: LayerPrint): Uint8Array {
  const p = new Packer();
  return p.finish({
    kind: "layer", layer: lp.layer,
    mlp: lp.mlp ? { units: lp.mlp.units, views: lp.mlp.views, combine: lp.mlp.combine, kept: p.put(lp.mlp.kept), rows: lp.mlp.rows.map((s) => p.sketch(s)), fixed: p.put(lp.mlp.fixed), fixedRows: lp.mlp.fixedRows.map((s) => p.sketch(s)) } : null,
  });
}

export type FingerprintMeta = Omit<Fingerprint, "layers"> & { layerCount: number };

export function decodeMeta(bytes: Uint8Array, what = "<fingerprint>"): FingerprintMeta {
  const u = new Unpacker(bytes, what);
  const j = u.json as Record<string, unknown> & { anchors: { texts: string[]; embed: unknown }; index: Record<string, unknown> };
  if (j.kind !== "meta") throw new BadInputError(what, "not a fingerprint meta part");
  if (!Array.isArray(j.anchors?.texts) || !j.summary || typeof j.dim !== "number") throw new BadInputError(what, "fingerprint meta part is incomplete");
  if (j.space !== undefined && j.space !== "rows" && j.space !== "anchors") throw new BadInputError(what, "fingerprint meta part names an unknown row space");
  return {
    version: Number(j.version), summary: j.summary as Fingerprint["summary"], dim: j.dim, space: j.space === "anchors" ? "anchors" : "rows", coords: u.get<Int32Array>(j.coords),
    anchors: { texts: j.anchors.texts, embed: u.sketch(j.anchors.embed) },
    index: { codes: u.get<Uint32Array>(j.index.codes), kinds: u.get<Uint8Array>(j.index.kinds), layers: u.get<Uint16Array>(j.index.layers) },
    layerCount: Number(j.layers),
  };
}

export function decodeLayer(bytes: Uint8Array, what = "<fingerprint>"): LayerPrint {
  const u = new Unpacker(bytes, what);
  const j = u.json as { kind: string; layer: number; mlp: null | { units: number; views: string[]; combine: string; kept: unknown; rows: unknown[]; fixed: unknown; fixedRows: unknown[] } };
  if (j.kind !== "layer") throw new BadInputError(what, "not a fingerprint layer part");
  const sketches = (xs: unknown[]) => xs.map((x) => u.sketch(x) as Sketch);
  return {
    layer: j.layer,
    mlp: j.mlp ? { units: j.mlp.units, views: j.mlp.views, combine: j.mlp.combine as "gated" | "plain" | "abs", kept: u.get<Int32Array>(j.mlp.kept), rows: sketches(j.mlp.rows), fixed: u.get<Int32Array>(j.mlp.fixed), fixedRows: sketches(j.mlp.fixedRows) } : null,
  };
}

/** The part holding the behavioural fingerprint (behaviour/stored.ts), when there is one. */
export const BEHAVIOUR_PART = "behaviour";

/** The whole fingerprint as parts: name -> bytes. */
export function encodeFingerprint(fp: Fingerprint): Map<string, Uint8Array> {
  const parts = new Map<string, Uint8Array>([["meta", encodeMeta(fp)]]);
  for (const lp of fp.layers) parts.set(`layer.${lp.layer}`, encodeLayer(lp));
  if (fp.behaviour) parts.set(BEHAVIOUR_PART, fp.behaviour);
  return parts;
}

export function decodeFingerprint(parts: Map<string, Uint8Array>, what = "<fingerprint>"): Fingerprint {
  const metaBytes = parts.get("meta");
  if (!metaBytes) throw new BadInputError(what, "fingerprint has no meta part");
  const meta = decodeMeta(metaBytes, what);
  const layers: LayerPrint[] = [];
  for (let l = 0; l < meta.layerCount; l++) {
    const b = parts.get(`layer.${l}`);
    if (!b) throw new BadInputError(what, `fingerprint lacks layer ${l}`);
    layers.push(decodeLayer(b, what));
  }
  const { layerCount: _n, ...rest } = meta;
  void _n;
  const behaviour = parts.get(BEHAVIOUR_PART);
  return behaviour ? { ...rest, layers, behaviour } : { ...rest, layers };
}

export function partsBytes(parts: Map<string, Uint8Array>): number {
  let n = 0;
  for (const b of parts.values()) n += b.length;
  return n;
}
