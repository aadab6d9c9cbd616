/**
 * @module formats/gguf/cursor
 * A forward-only reader over a ByteSource that pulls the header in bounded chunks, so a large
 * header (a 150k-token vocabulary) streams without reading the tensor data behind it.
 */
import { BadInputError, check } from "../../errors.js";
import type { ByteSource } from "../../io/byte-source.js";

const CHUNK = 1 << 20;
const utf8 = new TextDecoder("utf-8", { fatal: true });

export class Cursor {
  private buf: Uint8Array = new Uint8Array(0);
  private view = new DataView(this.buf.buffer);
  private bufStart = 0;
  private pos = 0;

  constructor(private readonly src: ByteSource) {}

  get path(): string {
    return this.src.path;
  }
  get position(): number {
    return this.pos;
  }
  remaining(): number {
    return this.src.size - this.pos;
  }

  /** Make sure `n` bytes from the current position are buffered. */
  private need(n: number): number {
    if (this.pos + n > this.src.size) {
      throw new BadInputError(this.src.path, `truncated: needs ${n} bytes at offset ${this.pos}, file has ${this.src.size}`);
    }
    const rel = this.pos - this.bufStart;
    if (rel + n <= this.buf.length) return rel;
    const len = Math.min(Math.max(n, CHUNK), this.src.size - this.pos);
    this.buf = this.src.read(this.pos, len);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.bufStart = this.pos;
    return 0;
  }

  u8(): number { const o = this.need(1); this.pos += 1; return this.view.getUint8(o); }
  i8(): number { const o = this.need(1); this.pos += 1; return this.view.getInt8(o); }
  u16(): number { const o = this.need(2); this.pos += 2; return this.view.getUint16(o, true); }
  i16(): number { const o = this.need(2); this.pos += 2; return this.view.getInt16(o, true); }
  u32(): number { const o = this.need(4); this.pos += 4; return this.view.getUint32(o, true); }
  i32(): number { const o = this.need(4); this.pos += 4; return this.view.getInt32(o, true); }
  f32(): number { const o = this.need(4); this.pos += 4; return this.view.getFloat32(o, true); }
  f64(): number { const o = this.need(8); this.pos += 8; return this.view.getFloat64(o, true); }
  u64big(): bigint { const o = this.need(8); this.pos += 8; return this.view.getBigUint64(o, true); }
  i64big(): bigint { const o = this.need(8); this.pos += 8; return this.view.getBigInt64(o, true); }

  bytes(n: number): Uint8Array {
    const o = this.need(n);
    this.pos += n;
    return this.buf.subarray(o, o + n);
  }

  /** A u64 count that must fit in the file: anything larger is a lie. */
  count(what: string): number {
    const v = this.u64big();
    check(v <= BigInt(this.src.size), this.src.path, `${what} is ${v}, larger than the file`);
    return Number(v);
  }

  string(maxBytes: number, what: string): string {
    const len = this.count(`${what} length`);
    check(len <= maxBytes, this.src.path, `${what}: string of ${len} bytes exceeds the limit of ${maxBytes}`);
    check(len <= this.remaining(), this.src.path, `${what}: string of ${len} bytes runs past the end of the file`);
    const b = this.bytes(len);
    try {
      return utf8.decode(b);
    } catch {
      throw new BadInputError(this.src.path, `${what}: not valid UTF-8`);
    }
  }
}
