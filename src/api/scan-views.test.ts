// The bound the bounded scan views are corrected for: the registry's size rounded up to a power
// of ten, never below 10 nor below the size (so the correction stays valid).
import { test } from "node:test";
import assert from "node:assert/strict";
import { sizeBound } from "./scan-views.js";

test("sizeBound: the size rounded up to a power of ten, at least 10", () => {
  const cases: Array<[number, number]> = [[0, 10], [1, 10], [4, 10], [10, 10], [11, 100], [100, 100], [101, 1000], [10_001, 100_000]];
  for (const [size, bound] of cases) {
    assert.equal(sizeBound(size), bound, `size ${size}`);
    assert.ok(sizeBound(size) >= size);
  }
});
