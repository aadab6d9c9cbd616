/**
 * `pedigree scan` as a user meets it, on the real models of ../shared: karpathy's stories260K
 * registered as a closed model and its int8 llama2.c export found in the wild is a leak (exit 1);
 * an unrelated model of another family is clean (exit 0); the report comes as JSON, CycloneDX 1.6,
 * SPDX 3.0.1 and SARIF 2.1.0, each valid against its official schema; errors are one line, exit 2.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { runCli, type CliResult } from "../../src/test-support/cli.js";
import { cyclonedxValidator, sarifValidator, spdxValidator } from "../../src/test-support/schemas.js";
import { sharedPath } from "../../src/test-support/shared.js";
import { tempDir } from "../../src/test-support/tmp.js";

const registry = join(tempDir(), "registry.db");
const reg = ["--registry", registry];
const stories = (f: string) => sharedPath("models", "stories260K", f);

function exit(r: CliResult, code: number): CliResult {
  assert.equal(r.code, code, `exit ${r.code}; stderr: ${r.stderr.slice(0, 400)}`);
  return r;
}

before(() => {
  exit(runCli(["register", stories("stories260K.bin"), "--name", "karpathy/stories260K", "--owner", "Andrej Karpathy", "--tier", "closed", "--license", "mit", ...reg]), 0);
  exit(runCli(["register", sharedPath("dev-families", "B"), "--name", "B", "--owner", "Lab B", "--tier", "open", "--license", "apache-2.0", ...reg]), 0);
});

test("a Q8_0 copy of a closed model is a critical leak: exit 1, in JSON and text", () => {
  const doc = JSON.parse(exit(runCli(["scan", stories("stories260K_q80.bin"), "--json", ...reg]), 1).stdout) as {
    schema: string; derivedFrom: string[]; findings: Array<{ id: string; severity: string; about?: string }>; matches: Array<{ name: string; verdict: string; log10PValue: number }>; exitCode: number;
  };
  assert.equal(doc.schema, "pedigree.scan/2");
  assert.deepEqual(doc.derivedFrom, ["karpathy/stories260K"]);
  const leak = doc.findings.find((f) => f.id === "leak");
  assert.equal(leak?.severity, "critical");
  assert.equal(leak?.about, "karpathy/stories260K");
  assert.ok((doc.matches[0]?.log10PValue ?? 0) < -6);
  assert.equal(doc.exitCode, 1);
  const text = exit(runCli(["scan", stories("stories260K_q80.bin"), ...reg]), 1).stdout;
  assert.match(text, /DERIVED FROM karpathy\/stories260K/);
  assert.match(text, /CRITICAL leak/);
  // CI gates: a severity, finding ids, never
  exit(runCli(["scan", stories("stories260K_q80.bin"), "--fail-on", "critical", ...reg]), 1);
  exit(runCli(["scan", stories("stories260K_q80.bin"), "--fail-on", "leak,licence-obligation", ...reg]), 1);
  exit(runCli(["scan", stories("stories260K_q80.bin"), "--fail-on", "licence-obligation,false-base-claim", ...reg]), 0);
  exit(runCli(["scan", stories("stories260K_q80.bin"), "--fail-on", "never", ...reg]), 0);
});

test("an unrelated model is clean: exit 0, nothing derived", () => {
  const doc = JSON.parse(exit(runCli(["scan", sharedPath("models", "llama2xs-saltyduckegg", "model.bin"), "--json", ...reg]), 0).stdout) as { derivedFrom: string[]; findings: Array<{ severity: string }> };
  assert.deepEqual(doc.derivedFrom, []);
  assert.ok(doc.findings.every((f) => f.severity === "info"));
});

test("CycloneDX, SPDX and SARIF reports are valid against the official schemas and carry the leak", () => {
  const out = tempDir();
  const files: Record<string, string> = {};
  for (const format of ["cyclonedx", "spdx", "sarif"]) {
    files[format] = join(out, `${format}.json`);
    exit(runCli(["scan", stories("stories260K_q80.bin"), "-o", format, "--out", files[format] as string, ...reg]), 1);
  }
  const read = (f: string) => JSON.parse(readFileSync(files[f] as string, "utf8")) as Record<string, unknown>;
  for (const [format, validator] of [["cyclonedx", cyclonedxValidator()], ["sarif", sarifValidator()], ["spdx", spdxValidator()]] as const) {
    const ok = validator(read(format));
    assert.ok(ok, `${format}: ${JSON.stringify(validator.errors?.slice(0, 3))}`);
  }
  const sarif = read("sarif") as { runs: Array<{ results: Array<{ ruleId: string; level: string }> }> };
  assert.ok(sarif.runs[0]?.results.some((r) => r.ruleId === "leak" && r.level === "error"));
  assert.match(JSON.stringify(read("cyclonedx")), /karpathy\/stories260K/);
});

test("errors: one line, exit 2", () => {
  const empty = join(tempDir(), "empty.db");
  for (const r of [
    runCli(["scan", stories("stories260K_q80.bin"), "--registry", empty]),
    runCli(["scan", join(tempDir(), "missing.gguf"), ...reg]),
    runCli(["scan", stories("tok512.bin"), ...reg]),
    runCli(["scan", stories("stories260K_q80.bin"), "--candidates", "-1", ...reg]),
    runCli(["scan", stories("stories260K_q80.bin"), "--fail-on", "leak,bogus", ...reg]),
    runCli(["tree", "no-such-model", ...reg]),
  ]) {
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  }
});
