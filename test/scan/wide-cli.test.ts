/**
 * The leak check at width, as a user runs it (issue 10's report): a 768-wide model registered as
 * closed, then its permuted copy and its rotated, fine-tuned, Q8_0-quantized copy scanned — both a
 * critical leak, exit 1 — and an independent model of the same shape clean, exit 0.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, test } from "node:test";
import { runCli, type CliResult } from "../../src/test-support/cli.js";
import { tempDir } from "../../src/test-support/tmp.js";

const dir = tempDir("pedigree-wide-cli-");
const at = (name: string) => join(dir, name);
const reg = ["--registry", at("r.db")];
const SHAPE = ["--dim", "768", "--layers", "2", "--ffn", "256", "--heads", "12", "--vocab", "1000", "--dtype", "F16"];

function exit(r: CliResult, code: number): CliResult {
  assert.equal(r.code, code, `exit ${r.code}; stderr: ${r.stderr.slice(0, 400)}`);
  return r;
}

before(() => {
  exit(runCli(["forge", "--synthesize", "llama", ...SHAPE, "--seed", "3", "--out", at("base")]), 0);
  exit(runCli(["forge", "--synthesize", "llama", ...SHAPE, "--seed", "4", "--out", at("other")]), 0);
  exit(runCli(["register", at("base"), "--name", "lab/wide", "--owner", "lab", "--tier", "closed", "--license", "other", ...reg]), 0);
});

for (const steps of ["permute", "rotate,finetune-drift:0.05,quantize:Q8_0"]) {
  test(`a ${steps} copy of a closed 768-wide model is a critical leak (exit 1)`, () => {
    const out = at(steps.replace(/[^a-z0-9]+/gi, "-"));
    exit(runCli(["forge", at("base"), "--steps", steps, "--out", out]), 0);
    const doc = JSON.parse(exit(runCli(["scan", out, "--json", ...reg]), 1).stdout) as { derivedFrom: string[]; findings: Array<{ id: string; severity: string }> };
    assert.deepEqual(doc.derivedFrom, ["lab/wide"]);
    assert.equal(doc.findings.find((f) => f.id === "leak")?.severity, "critical");
  });
}

test("an independent model of the same shape is clean (exit 0)", () => {
  const doc = JSON.parse(exit(runCli(["scan", at("other"), "--json", ...reg]), 0).stdout) as { derivedFrom: string[]; findings: Array<{ id: string }> };
  assert.deepEqual(doc.derivedFrom, []);
  assert.ok(!doc.findings.some((f) => f.id === "leak"));
});
