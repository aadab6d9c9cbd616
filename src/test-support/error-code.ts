/** Test helper: the PedigreeError code a promise rejects with (fails the test if it resolves or throws anything else). */
import assert from "node:assert/strict";
import { PedigreeError } from "../errors.js";

export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof PedigreeError, `a PedigreeError, got ${String(e)}`);
    return e.code;
  }
  assert.fail("expected a rejection");
}
