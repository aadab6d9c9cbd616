/**
 * Build GGUF bytes by hand for tests, including things pedigree's writer never writes (nested
 * arrays, lies about sizes, retired type ids).
 */
export class GgufBuilder {
  private parts: number[] = [];
  private view = new DataView(new ArrayBuffer(8));

  u8(v: number): this { this.parts.push(v & 0xff); return this; }
  u32(v: number): this { this.view.setUint32(0, v, true); return this.raw(4); }
  i32(v: number): this { this.view.setInt32(0, v, true); return this.raw(4); }
  f32(v: number): this { this.view.setFloat32(0, v, true); return this.raw(4); }
  f64(v: number): this { this.view.setFloat64(0, v, true); return this.raw(8); }
  u64(v: bigint | number): this { this.view.setBigUint64(0, BigInt(v), true); return this.raw(8); }
  i64(v: bigint | number): this { this.view.setBigInt64(0, BigInt(v), true); return this.raw(8); }
  u16(v: number): this { this.view.setUint16(0, v, true); return this.raw(2); }
  str(s: string | Uint8Array): this {
    const b = typeof s === "string" ? new TextEncoder().encode(s) : s;
    this.u64(b.length);
    for (const x of b) this.parts.push(x);
    return this;
  }
  bytes(b: ArrayLike<number>): this {
    for (let i = 0; i < b.length; i++) this.parts.push(b[i] as number);
    return this;
  }
  padTo(alignment: number): this {
    while (this.parts.length % alignment) this.parts.push(0);
    return this;
  }
  get length(): number {
    return this.parts.length;
  }
  private raw(n: number): this {
    for (let i = 0; i < n; i++) this.parts.push(this.view.getUint8(i));
    return this;
  }
  build(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** A minimal valid GGUF: one F32 tensor "w" of shape [2, 4] (ne [4, 2]) and the given KVs. */
export function tinyGguf(opts: { kv?: (b: GgufBuilder) => number; typeId?: number; dims?: Array<number | bigint>; offset?: number; version?: number; tensorCount?: number; data?: number } = {}): Uint8Array {
  const b = new GgufBuilder();
  b.bytes([0x47, 0x47, 0x55, 0x46]).u32(opts.version ?? 3).u64(opts.tensorCount ?? 1);
  const kvAt = b.length;
  b.u64(0);
  const nkv = opts.kv ? opts.kv(b) : 0;
  const out = b;
  const dims = opts.dims ?? [4, 2];
  out.str("w").u32(dims.length);
  for (const d of dims) out.u64(d);
  out.u32(opts.typeId ?? 0).u64(opts.offset ?? 0);
  out.padTo(32);
  for (let i = 0; i < (opts.data ?? 8); i++) out.f32(i);
  const bytes = out.build();
  new DataView(bytes.buffer).setBigUint64(kvAt, BigInt(nkv), true);
  return bytes;
}
