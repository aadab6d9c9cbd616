import assert from "node:assert/strict";
import { test } from "node:test";
import { PedigreeError } from "../errors.js";
import { DEFAULT_FAIL_ON, failing, parseFailOn } from "./fail-on.js";
import type { Finding } from "./report-input.js";

const f = (id: Finding["id"], severity: Finding["severity"], relation?: string): Finding => ({ id, severity, title: id, detail: "", evidence: relation ? { relation } : {}, fix: "" });

test("--fail-on takes finding ids and a severity threshold, comma-separated", () => {
  const all = [f("leak", "critical"), f("licence-obligation", "medium"), f("architecture-only", "info"), f("derivation", "info", "ancestor"), f("derivation", "info", "self")];
  const ids = (spec: string) => failing(all, parseFailOn(spec)).map((x) => x.id);
  assert.deepEqual(ids("leak"), ["leak"]);
  assert.deepEqual(ids("high"), ["leak"]);
  assert.deepEqual(ids("medium,architecture-only"), ["leak", "licence-obligation", "architecture-only"]);
  assert.deepEqual(ids("never"), []);
  // the default: a derivation from a registered model (not the model itself), or anything from low up
  assert.deepEqual(ids(DEFAULT_FAIL_ON), ["leak", "licence-obligation", "derivation"]);
  assert.deepEqual(failing([f("derivation", "info", "self"), f("architecture-only", "info")], parseFailOn(DEFAULT_FAIL_ON)), []);
  assert.throws(() => parseFailOn("leak,bogus"), (e: unknown) => e instanceof PedigreeError && /bogus/.test(e.message));
});
