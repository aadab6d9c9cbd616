/**
 * @module formats/tokenizer/protobuf
 * A minimal, bounded protobuf wire-format reader (enough for SentencePiece's ModelProto): varints
 * (at most 10 bytes), fixed32/fixed64, length-delimited fields (never past the enclosing message),
 * and skipping of unknown fields, including deprecated groups, with a nesting limit.
 * Spec: https://protobuf.dev/programming-guides/encoding/
 */
import { BadInputError } from "../../errors.js";

export const WireType = { VARINT: 0, I64: 1, LEN: 2, SGROUP: 3, EGROUP: 4, I32: 5 } as const;

/** Deepest message / group nesting accepted (SentencePiece needs 2). */
export const MAX_PROTO_DEPTH = 64;

const utf8 = new TextDecoder("utf-8", { fatal: true });

export interface ProtoTag {
  field: number;
  wire: number;
}

/** A 64-bit varint as two unsigned 32-bit halves. */
export interface Varint64 {
  lo: number;
  hi: number;
}

export class ProtoReader {
  private pos: number;
  private readonly view: DataView;

  constructor(
    private readonly buf: Uint8Array,
    /** File named in errors. */
    readonly file: string,
    private readonly end = buf.length,
    start = 0,
    private readonly depth = 0,
  ) {
    if (depth > MAX_PROTO_DEPTH) throw new BadInputError(file, `protobuf messages nested deeper than ${MAX_PROTO_DEPTH}`);
    this.pos = start;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get position(): number {
    return this.pos;
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  private fail(message: string): never {
    throw new BadInputError(this.file, `protobuf: ${message} (at byte ${this.pos})`);
  }

  private need(n: number): void {
    if (n > this.end - this.pos) this.fail(`truncated: needs ${n} bytes, ${this.end - this.pos} left in the message`);
  }

  /** A varint of at most 10 bytes, as unsigned 32-bit halves. */
  varint64(): Varint64 {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail("truncated varint");
      const b = this.buf[this.pos++] ?? 0;
      const bits = b & 0x7f;
      if (i < 4) lo |= bits << (7 * i);
      else if (i === 4) {
        lo |= (bits & 0x0f) << 28;
        hi |= bits >>> 4;
      } else hi |= bits << (7 * i - 32);
      if ((b & 0x80) === 0) return { lo: lo >>> 0, hi: hi >>> 0 };
    }
    return this.fail("varint longer than 10 bytes");
  }

  /** A varint that must fit a JS safe integer (lengths, counts, unsigned fields). */
  uint(): number {
    const { lo, hi } = this.varint64();
    if (hi >= 1 << 21) this.fail("varint too large");
    return hi * 2 ** 32 + lo;
  }

  /** An int32 / enum field (negative values are sign-extended 10-byte varints: keep the low 32 bits). */
  int32(): number {
    return this.varint64().lo | 0;
  }

  bool(): boolean {
    const { lo, hi } = this.varint64();
    return lo !== 0 || hi !== 0;
  }

  tag(): ProtoTag {
    const key = this.uint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (field === 0 || field > 0x1fffffff) this.fail(`invalid field number ${field}`);
    if (wire > 5) this.fail(`invalid wire type ${wire} for field ${field}`);
    return { field, wire };
  }

  float(): number {
    this.need(4);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  double(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** A length-delimited field's bytes (a view, not a copy), bounded by the enclosing message. */
  bytes(): Uint8Array {
    const len = this.uint();
    this.need(len);
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  /** A string field (must be valid UTF-8). */
  string(): string {
    const b = this.bytes();
    try {
      return utf8.decode(b);
    } catch {
      return this.fail("string field is not valid UTF-8");
    }
  }

  /** A length-delimited embedded message, read by its own reader over the same bytes. */
  message(): ProtoReader {
    const len = this.uint();
    this.need(len);
    const sub = new ProtoReader(this.buf, this.file, this.pos + len, this.pos, this.depth + 1);
    this.pos += len;
    return sub;
  }

  /** Fails unless a known field arrived with the wire type its schema says. */
  expect(tag: ProtoTag, wire: number, what: string): void {
    if (tag.wire !== wire) this.fail(`${what} (field ${tag.field}) has wire type ${tag.wire}, expected ${wire}`);
  }

  /** Skips the value of a field this reader does not know. */
  skip(tag: ProtoTag, groupDepth = 0): void {
    switch (tag.wire) {
      case WireType.VARINT:
        this.varint64();
        return;
      case WireType.I64:
        this.need(8);
        this.pos += 8;
        return;
      case WireType.LEN:
        this.bytes();
        return;
      case WireType.I32:
        this.need(4);
        this.pos += 4;
        return;
      case WireType.SGROUP: {
        if (this.depth + groupDepth >= MAX_PROTO_DEPTH) this.fail(`groups nested deeper than ${MAX_PROTO_DEPTH}`);
        while (true) {
          if (this.done()) this.fail(`unterminated group (field ${tag.field})`);
          const t = this.tag();
          if (t.wire === WireType.EGROUP) {
            if (t.field !== tag.field) this.fail(`group ${tag.field} closed by end-group ${t.field}`);
            return;
          }
          this.skip(t, groupDepth + 1);
        }
      }
      default:
        this.fail(`unexpected end-group (field ${tag.field})`);
    }
  }
}
