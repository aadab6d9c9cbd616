/**
 * @module formats/pytorch/unpickle
 * A restricted unpickler: the opcodes of pickle protocols 0-5 that torch.save writes for state dicts
 * (CPython Lib/pickletools.py documents each one), building plain data (py-values.ts) and never
 * executing anything. Globals go through the allow-list (globals.ts); persistent ids resolve to torch
 * storage descriptors. Work is linear in the pickle's size and every length is checked against it.
 */
import { BadInputError } from "../../errors.js";
import { callGlobal, narrowBig, resolveGlobal, storageDtype } from "./globals.js";
import { MAX_LINE, MAX_LONG_BYTES, MAX_MARKS, MAX_MEMO, MAX_STACK } from "./limits.js";
import { checkShape, PyDict, PyObject, PySet, PyStorage, PyTensor, PyTuple, typeName, type PyValue } from "./py-values.js";

const utf8 = new TextDecoder("utf-8");
const latin1 = new TextDecoder("latin1");

class Unpickler {
  private pos = 0;
  private stack: PyValue[] = [];
  private marks: number[] = [];
  private readonly memo = new Map<number, PyValue>();
  private readonly storages = new Map<string, PyStorage>();
  private readonly view: DataView;

  private readonly buf: Uint8Array;

  constructor(bytes: Uint8Array, private readonly path: string) {
    // A plain Uint8Array view even when given a Buffer, whose slice() would alias instead of copy.
    this.buf = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private fail(message: string): never {
    throw new BadInputError(this.path, `pickle: ${message} (at byte ${this.pos})`);
  }

  private need(n: number): number {
    if (n > this.buf.length - this.pos) this.fail(`needs ${n} more bytes but the pickle ends`);
    const at = this.pos;
    this.pos += n;
    return at;
  }
  private u8(): number { return this.view.getUint8(this.need(1)); }
  private u16(): number { return this.view.getUint16(this.need(2), true); }
  private u32(): number { return this.view.getUint32(this.need(4), true); }
  private i32(): number { return this.view.getInt32(this.need(4), true); }
  private u64(): number {
    const lo = this.u32();
    const hi = this.u32();
    if (hi >= 0x200000) this.fail("8-byte length is absurdly large");
    return hi * 0x100000000 + lo;
  }
  private bytes(n: number): Uint8Array {
    const at = this.need(n);
    return this.buf.subarray(at, at + n);
  }
  /** A protocol-0 text argument: bytes up to the next newline. */
  private line(max = MAX_LINE): string {
    const end = this.buf.indexOf(0x0a, this.pos);
    if (end < 0 || end - this.pos > max) this.fail(`text argument is unterminated or longer than ${max} bytes`);
    const s = latin1.decode(this.buf.subarray(this.pos, end));
    this.pos = end + 1;
    return s;
  }

  private push(v: PyValue): void {
    if (this.stack.length >= MAX_STACK) this.fail(`stack deeper than ${MAX_STACK} values`);
    this.stack.push(v);
  }
  private pop(): PyValue {
    const floor = this.marks.length > 0 ? (this.marks[this.marks.length - 1] as number) : 0;
    if (this.stack.length <= floor) this.fail("pops from an empty stack");
    return this.stack.pop() as PyValue;
  }
  private top(): PyValue {
    const floor = this.marks.length > 0 ? (this.marks[this.marks.length - 1] as number) : 0;
    if (this.stack.length <= floor) this.fail("reads an empty stack");
    return this.stack[this.stack.length - 1] as PyValue;
  }
  /** Everything pushed since the last MARK, removing the mark. */
  private popMark(): PyValue[] {
    const m = this.marks.pop();
    if (m === undefined) this.fail("no MARK to pop back to");
    return this.stack.splice(m);
  }
  private memoize(index: number, v: PyValue): void {
    if (this.memo.size >= MAX_MEMO && !this.memo.has(index)) this.fail(`more than ${MAX_MEMO} memo entries`);
    this.memo.set(index, v);
  }
  private recall(index: number): PyValue {
    const v = this.memo.get(index);
    if (v === undefined && !this.memo.has(index)) this.fail(`memo entry ${index} was never stored`);
    return v as PyValue;
  }

  private long(n: number): number | bigint {
    if (n > MAX_LONG_BYTES) this.fail(`integer of ${n} bytes (limit ${MAX_LONG_BYTES})`);
    const b = this.bytes(n);
    if (n === 0) return 0;
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i] as number);
    if ((b[n - 1] as number) & 0x80) v -= 1n << BigInt(8 * n);
    return narrowBig(v);
  }

  private setItems(d: PyValue, items: PyValue[]): void {
    if (!(d instanceof PyDict)) this.fail(`SETITEM(S) on a ${typeName(d)}`);
    if (items.length % 2 !== 0) this.fail("SETITEMS with an odd number of values");
    for (let i = 0; i < items.length; i += 2) {
      const k = items[i] as PyValue;
      if (Array.isArray(k) || k instanceof PyDict || (k instanceof PySet && !k.frozen)) this.fail(`dict key is an unhashable ${typeName(k)}`);
      d.map.set(k, items[i + 1] as PyValue);
    }
  }

  private appendItems(list: PyValue, items: PyValue[]): void {
    if (Array.isArray(list)) {
      if (list.length + items.length > MAX_STACK) this.fail(`list longer than ${MAX_STACK} items`);
      for (const x of items) list.push(x);
    } else if (list instanceof PySet && !list.frozen) {
      if (list.items.length + items.length > MAX_STACK) this.fail(`set larger than ${MAX_STACK} items`);
      for (const x of items) list.items.push(x);
    } else {
      this.fail(`APPEND(S)/ADDITEMS on a ${typeName(list)}`);
    }
  }

  /** BINPERSID: torch's `('storage', storage_class, key, location, numel)`. */
  private persistent(pid: PyValue): PyStorage {
    if (!(pid instanceof PyTuple) || pid.items.length !== 5 || pid.items[0] !== "storage") {
      this.fail(`persistent id is not a ('storage', class, key, location, numel) tuple but a ${typeName(pid)}`);
    }
    const [, cls, key, location, numel] = pid.items;
    const dtype = storageDtype(cls as PyValue, this.path);
    const k = typeof key === "number" ? String(key) : key;
    if (typeof k !== "string" || !/^[A-Za-z0-9_.-]{1,128}$/.test(k)) this.fail(`storage key ${JSON.stringify(String(key))} is not a plain name`);
    if (typeof numel !== "number" || !Number.isSafeInteger(numel) || numel < 0) this.fail(`storage ${k}: element count ${String(numel)} is not a non-negative integer`);
    const known = this.storages.get(k);
    if (known) {
      if (known.dtype !== dtype || known.numel !== numel) this.fail(`storage ${k} is named twice with different types or sizes`);
      return known;
    }
    const s = new PyStorage(k, dtype, numel, typeof location === "string" ? location : "");
    this.storages.set(k, s);
    return s;
  }

  private build(): void {
    const state = this.pop();
    const obj = this.top();
    if (obj instanceof PyDict || obj instanceof PyObject) obj.state = state;
    else if (!(obj instanceof PyTensor)) this.fail(`BUILD on a ${typeName(obj)}`);
  }

  run(): PyValue {
    const buf = this.buf;
    while (this.pos < buf.length) {
      const at = this.pos;
      const op = buf[this.pos++] as number;
      switch (op) {
        case 0x80: { const v = this.u8(); if (v > 5) this.fail(`protocol ${v} is newer than 5`); break; } // PROTO
        case 0x95: { const n = this.u64(); if (n > buf.length - this.pos) this.fail(`FRAME of ${n} bytes runs past the end`); break; } // FRAME
        case 0x2e: { // STOP
          const v = this.pop();
          checkShape(v, this.path);
          return v;
        }
        case 0x28: if (this.marks.length >= MAX_MARKS) this.fail(`more than ${MAX_MARKS} nested MARKs`); this.marks.push(this.stack.length); break; // MARK
        case 0x30: this.pop(); break; // POP
        case 0x31: this.popMark(); break; // POP_MARK
        case 0x32: this.push(this.top()); break; // DUP

        case 0x4e: this.push(null); break; // NONE
        case 0x88: this.push(true); break; // NEWTRUE
        case 0x89: this.push(false); break; // NEWFALSE
        case 0x4a: this.push(this.i32()); break; // BININT
        case 0x4b: this.push(this.u8()); break; // BININT1
        case 0x4d: this.push(this.u16()); break; // BININT2
        case 0x8a: this.push(this.long(this.u8())); break; // LONG1
        case 0x8b: { const n = this.i32(); if (n < 0) this.fail("negative LONG4 length"); this.push(this.long(n)); break; } // LONG4
        case 0x47: this.push(this.view.getFloat64(this.need(8), false)); break; // BINFLOAT (big-endian)
        case 0x49: { // INT (text): also protocol 0's booleans I01/I00
          const s = this.line();
          if (s === "01" || s === "00") this.push(s === "01");
          else if (/^[-+]?\d{1,400}$/.test(s)) this.push(narrowBig(BigInt(s)));
          else this.fail(`INT argument ${JSON.stringify(s)} is not an integer`);
          break;
        }
        case 0x4c: { // LONG (text)
          const s = this.line().replace(/L$/, "");
          if (!/^[-+]?\d{1,400}$/.test(s)) this.fail(`LONG argument ${JSON.stringify(s)} is not an integer`);
          this.push(narrowBig(BigInt(s)));
          break;
        }
        case 0x46: { // FLOAT (text)
          const s = this.line().trim();
          const v = Number(s);
          if (s === "" || (Number.isNaN(v) && !/^[-+]?nan$/i.test(s))) this.fail(`FLOAT argument ${JSON.stringify(s)} is not a number`);
          this.push(v);
          break;
        }

        case 0x56: this.push(this.rawUnicode(this.line(buf.length))); break; // UNICODE (text, raw-unicode-escape)
        case 0x58: this.push(utf8.decode(this.bytes(this.u32()))); break; // BINUNICODE
        case 0x8c: this.push(utf8.decode(this.bytes(this.u8()))); break; // SHORT_BINUNICODE
        case 0x8d: this.push(utf8.decode(this.bytes(this.u64()))); break; // BINUNICODE8
        case 0x54: { const n = this.i32(); if (n < 0) this.fail("negative BINSTRING length"); this.push(utf8.decode(this.bytes(n))); break; } // BINSTRING (Python 2 str)
        case 0x55: this.push(utf8.decode(this.bytes(this.u8()))); break; // SHORT_BINSTRING
        case 0x42: this.push(this.bytes(this.u32()).slice()); break; // BINBYTES
        case 0x43: this.push(this.bytes(this.u8()).slice()); break; // SHORT_BINBYTES
        case 0x8e: this.push(this.bytes(this.u64()).slice()); break; // BINBYTES8
        case 0x96: this.push(this.bytes(this.u64()).slice()); break; // BYTEARRAY8

        case 0x7d: this.push(new PyDict()); break; // EMPTY_DICT
        case 0x5d: this.push([]); break; // EMPTY_LIST
        case 0x29: this.push(new PyTuple([])); break; // EMPTY_TUPLE
        case 0x8f: this.push(new PySet([], false)); break; // EMPTY_SET
        case 0x85: { const a = this.pop(); this.push(new PyTuple([a])); break; } // TUPLE1
        case 0x86: { const b = this.pop(); const a = this.pop(); this.push(new PyTuple([a, b])); break; } // TUPLE2
        case 0x87: { const c = this.pop(); const b = this.pop(); const a = this.pop(); this.push(new PyTuple([a, b, c])); break; } // TUPLE3
        case 0x74: this.push(new PyTuple(this.popMark())); break; // TUPLE
        case 0x6c: this.push(this.popMark()); break; // LIST
        case 0x91: this.push(new PySet(this.popMark(), true)); break; // FROZENSET
        case 0x64: { const d = new PyDict(); this.setItems(d, this.popMark()); this.push(d); break; } // DICT
        case 0x61: { const v = this.pop(); this.appendItems(this.top(), [v]); break; } // APPEND
        case 0x65: { const items = this.popMark(); this.appendItems(this.top(), items); break; } // APPENDS
        case 0x90: { const items = this.popMark(); this.appendItems(this.top(), items); break; } // ADDITEMS
        case 0x73: { const v = this.pop(); const k = this.pop(); this.setItems(this.top(), [k, v]); break; } // SETITEM
        case 0x75: { const items = this.popMark(); this.setItems(this.top(), items); break; } // SETITEMS

        case 0x71: this.memoize(this.u8(), this.top()); break; // BINPUT
        case 0x72: this.memoize(this.u32(), this.top()); break; // LONG_BINPUT
        case 0x94: this.memoize(this.memo.size, this.top()); break; // MEMOIZE
        case 0x70: this.memoize(this.textIndex(), this.top()); break; // PUT
        case 0x68: this.push(this.recall(this.u8())); break; // BINGET
        case 0x6a: this.push(this.recall(this.u32())); break; // LONG_BINGET
        case 0x67: this.push(this.recall(this.textIndex())); break; // GET

        case 0x63: { const module = this.line(); const name = this.line(); this.push(resolveGlobal(module, name, this.path)); break; } // GLOBAL
        case 0x93: { // STACK_GLOBAL
          const name = this.pop();
          const module = this.pop();
          if (typeof module !== "string" || typeof name !== "string") this.fail("STACK_GLOBAL needs two strings");
          this.push(resolveGlobal(module, name, this.path));
          break;
        }
        case 0x52: { // REDUCE
          const args = this.pop();
          const fn = this.pop();
          if (!(args instanceof PyTuple)) this.fail(`REDUCE arguments are a ${typeName(args)}, not a tuple`);
          this.push(callGlobal(fn, args.items, this.path));
          break;
        }
        case 0x81: { // NEWOBJ
          const args = this.pop();
          const cls = this.pop();
          if (!(args instanceof PyTuple)) this.fail(`NEWOBJ arguments are a ${typeName(args)}, not a tuple`);
          this.push(callGlobal(cls, args.items, this.path));
          break;
        }
        case 0x92: { // NEWOBJ_EX
          const kwargs = this.pop();
          const args = this.pop();
          const cls = this.pop();
          if (!(args instanceof PyTuple) || !(kwargs instanceof PyDict) || kwargs.map.size > 0) this.fail("NEWOBJ_EX with keyword arguments is not supported");
          this.push(callGlobal(cls, args.items, this.path));
          break;
        }
        case 0x62: this.build(); break; // BUILD
        case 0x51: this.push(this.persistent(this.pop())); break; // BINPERSID

        case 0x69: { // INST: names a class inline; refuse it by name like GLOBAL would
          const module = this.line();
          const name = this.line();
          resolveGlobal(module, name, this.path);
          return this.fail(`INST (protocol 0 instance creation) of ${module}.${name} is not supported`);
        }
        case 0x82: case 0x83: case 0x84:
          return this.fail("EXT1/2/4 (the copyreg extension registry, which can name any class) are refused");
        default:
          this.pos = at;
          this.fail(`unknown or unsupported opcode 0x${op.toString(16).padStart(2, "0")}${op >= 0x20 && op < 0x7f ? ` ('${String.fromCharCode(op)}')` : ""}`);
      }
    }
    this.fail("ends without a STOP opcode (truncated)");
  }

  /** Python's raw-unicode-escape: latin-1 text where \uXXXX and \UXXXXXXXX stand for other code points. */
  private rawUnicode(s: string): string {
    return s.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_m, four: string | undefined, eight: string | undefined) => {
      const cp = parseInt(four ?? eight ?? "", 16);
      if (cp > 0x10ffff) this.fail(`UNICODE escape U+${cp.toString(16)} is not a code point`);
      return String.fromCodePoint(cp);
    });
  }

  private textIndex(): number {
    const s = this.line();
    if (!/^\d{1,9}$/.test(s)) this.fail(`memo index ${JSON.stringify(s)} is not a small integer`);
    return Number(s);
  }
}

/** Unpickle `bytes` (a whole data.pkl) into plain data. Throws BadInputError/UnsupportedError on anything outside the allow-list. */
export function unpickle(bytes: Uint8Array, path: string): PyValue {
  return new Unpickler(bytes, path).run();
}
