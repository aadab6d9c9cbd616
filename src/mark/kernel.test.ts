// The WebAssembly marking kernel and the JS loop apply the same rule: on rows of real-looking
// values they agree to within a float32 rounding of the value and of the amplitude, rows passed in any memory
// (the kernel's own buffer, or copied through it) give the same result, and the signs are exactly
// the pattern's.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../numeric/rng.js";
import { markBuffer, markRows, markRowsJs, markWasmAvailable } from "./kernel.js";
import { fillSigns } from "./pattern.js";

test("the WebAssembly kernel matches the JS loop and the pattern's signs", (t) => {
  if (!markWasmAvailable()) {
    t.skip("no WebAssembly SIMD in this runtime");
    return;
  }
  const rng = new Rng(3);
  for (const [rows, cols, row0] of [[5, 4096, 0], [7, 96, 13], [40, 64, 1_000_003], [3, 32, 0]] as const) {
    const x = new Float32Array(rows * cols);
    for (let i = 0; i < x.length; i++) x[i] = rng.normal() * (1 + (i % 7)) * 0.02;
    const js = x.slice();
    markRowsJs(js, row0, cols, 0x1234567, 0x89abcdef | 0, 0.005);
    const copied = x.slice();
    markRows(copied, row0, cols, 0x1234567, 0x89abcdef | 0, 0.005);
    const inPlace = markBuffer(x.length);
    inPlace.set(x);
    markRows(inPlace, row0, cols, 0x1234567, 0x89abcdef | 0, 0.005);
    const signs = new Float32Array(x.length);
    fillSigns(0x1234567, 0x89abcdef | 0, row0 * cols, x.length, signs);
    for (let i = 0; i < x.length; i++) {
      const d = (copied[i] as number) - (x[i] as number);
      assert.equal(inPlace[i], copied[i], `${rows}x${cols} entry ${i}: same result in the kernel's memory`);
      assert.ok(Math.abs((copied[i] as number) - (js[i] as number)) <= 2 ** -22 * (Math.abs(js[i] as number) + Math.abs(d)), `${rows}x${cols} entry ${i}: ${copied[i]} vs ${js[i]}`);
      assert.equal(Math.sign(d) || (signs[i] as number), signs[i], `entry ${i}: the pattern's sign`);
    }
  }
});
