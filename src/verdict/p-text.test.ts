import assert from "node:assert/strict";
import { test } from "node:test";
import { pText } from "./p-text.js";

test("p-values print from log10 without overstating the evidence", () => {
  assert.equal(pText(0), "1.0");
  assert.equal(pText(Math.log10(0.42)), "0.42");
  assert.equal(pText(Math.log10(2.5e-15)), "2.5e-15");
  assert.equal(pText(-14), "1.0e-14");
  assert.equal(pText(-400.5), "3.2e-401");
  assert.equal(pText(Math.log10(9.99e-8)), "1e-7");
});
