// BF16 encoding through integer views agrees with the scalar rule (round to nearest even, NaN
// quiet, infinities and signed zeros kept) on edge cases and on many random bit patterns.
import { test } from "node:test";
import assert from "node:assert/strict";
import { f32ToBf16 } from "../numeric/half.js";
import { Rng } from "../numeric/rng.js";
import { encodeBf16, encodeValues } from "./encode.js";

test("encodeBf16 matches f32ToBf16 bit for bit, at any output offset", () => {
  const rng = new Rng(5);
  const bits = new Uint32Array(20000);
  for (let i = 0; i < bits.length; i++) bits[i] = rng.u32();
  const edge = [0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001, 0xff800001, 0x7f7fffff, 0xff7fffff, 0x3f808000, 0x3f818000, 0x3f80ffff, 0x00000001, 0x807fffff];
  bits.set(edge);
  const values = new Float32Array(bits.buffer);
  const expect = Array.from(values, (v) => f32ToBf16(v));
  // a NaN keeps its sign and payload's top bits (the scalar rule sees JavaScript's one NaN): NaN either way
  const same = (h: number, i: number) => (Number.isNaN(values[i]) ? (h & 0x7f80) === 0x7f80 && (h & 0x7f) !== 0 : h === expect[i]);
  const got = new Uint16Array(encodeValues("BF16", values).buffer);
  for (let i = 0; i < values.length; i++) assert.ok(same(got[i] as number, i), `value ${i}: ${got[i]} for ${expect[i]}`);
  const half = new Uint8Array(2 * values.length + 2);
  encodeBf16(values, half.subarray(2));
  for (let i = 0; i < values.length; i++) assert.ok(same((half[2 + 2 * i] as number) | ((half[3 + 2 * i] as number) << 8), i), `value ${i} at a 2-byte offset`);
  const odd = new Uint8Array(2 * values.length + 1);
  encodeBf16(values, odd.subarray(1));
  for (let i = 0; i < values.length; i++) assert.ok(same((odd[1 + 2 * i] as number) | ((odd[2 + 2 * i] as number) << 8), i), `value ${i} at an odd offset`);
  assert.ok(values.some((v) => Number.isNaN(v)) && values.some((v) => v === Infinity));
});
