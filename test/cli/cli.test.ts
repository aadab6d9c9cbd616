/**
 * The command line as a user meets it: help, exit codes, JSON contracts, reports, and one clear
 * line on stderr (exit 2) for every kind of bad input.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runCli } from "../../src/test-support/cli.js";
import { sharedPath } from "../../src/test-support/shared.js";
import { tempDir } from "../../src/test-support/tmp.js";

function oneLineError(r: { code: number; stdout: string; stderr: string }, pattern: RegExp): void {
  assert.equal(r.code, 2, `exit code (stderr: ${r.stderr})`);
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, `one line expected, got: ${r.stderr}`);
  assert.match(lines[0] as string, pattern);
  assert.doesNotMatch(r.stderr, /\bat .*\.(ts|js):\d+/);
}

test("help and version exit 0; an unknown command exits 2", () => {
  assert.equal(runCli(["--help"]).code, 0);
  assert.match(runCli(["--help"]).stdout, /inspect/);
  assert.equal(runCli(["--version"]).code, 0);
  assert.equal(runCli(["frobnicate"]).code, 2);
});

test("inspect --json --tensors gives the documented fields", () => {
  const r = runCli(["inspect", sharedPath("models", "stories260K", "stories260K.gguf"), "--tensors", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as Record<string, unknown> & { tensors: Array<Record<string, unknown>> };
  for (const k of ["format", "architecture", "parameters", "layers", "metadata", "tensors"]) assert.ok(k in doc, k);
  const q = doc.tensors.find((t) => t.canonical === "layers.0.attn.q");
  assert.ok(q);
  assert.equal(q.name, "blk.0.attn_q.weight");
  assert.deepEqual(q.shape, [64, 64]);
  assert.match(String(q.f32sha256), /^[0-9a-f]{64}$/);
  // the same tensor from the llama2.c file has the same digest
  const bin = JSON.parse(runCli(["inspect", sharedPath("models", "stories260K", "stories260K.bin"), "--tensors", "--json"]).stdout) as typeof doc;
  assert.equal(bin.tensors.find((t) => t.canonical === "layers.0.attn.q")?.f32sha256, q.f32sha256);
});

test("bad input: one line naming the file, exit 2", () => {
  const dir = tempDir();
  oneLineError(runCli(["inspect", join(dir, "missing.gguf")]), /missing\.gguf: no such file/);
  const junk = join(dir, "junk.bin");
  writeFileSync(junk, "hello, this is not a model at all");
  oneLineError(runCli(["inspect", junk]), /junk\.bin: not a recognised weight file/);
  const truncated = join(dir, "cut.gguf");
  writeFileSync(truncated, readFileSync(sharedPath("models", "stories260K", "stories260K.gguf")).subarray(0, 5000));
  oneLineError(runCli(["inspect", truncated]), /cut\.gguf: .*(truncated|past the end)/);
  oneLineError(runCli(["compare", truncated, sharedPath("dev-families", "A")]), /cut\.gguf/);
  oneLineError(runCli(["compare", sharedPath("dev-families", "A"), sharedPath("dev-families", "B"), "--sample", "0"]), /--sample/);
});

test("compare: derived pair with JSON contract and an HTML report; exit 0 whatever the verdict", () => {
  const dir = tempDir();
  const html = join(dir, "report.html");
  const r = runCli(["compare", sharedPath("dev-families", "A"), sharedPath("dev-families", "A-drop"), "--json", "--html", html]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as Record<string, unknown> & { layerMap: Array<{ a: number | null; b: number; pValue: number }>; verdict: string; pValue: number };
  for (const k of ["verdict", "pValue", "layerMap", "components", "transforms", "timings"]) assert.ok(k in doc, k);
  assert.equal(doc.verdict, "derived");
  assert.ok(doc.pValue < 1e-12);
  assert.deepEqual(doc.layerMap.map((l) => l.a), [0, 1, 4, 5]);
  const page = readFileSync(html, "utf8");
  assert.match(page, /<svg/);
  assert.match(page, /pedigree compare/);
  assert.doesNotMatch(page, /<script src|<link /);
  // where the report went is said on stderr, so --json's stdout stays one document
  assert.ok(r.stderr.includes(`wrote the HTML report to ${html}`), r.stderr);
  const indep = runCli(["compare", sharedPath("dev-families", "A"), sharedPath("dev-families", "B")]);
  assert.equal(indep.code, 0);
  assert.match(indep.stdout, /^INDEPENDENT/);
});
