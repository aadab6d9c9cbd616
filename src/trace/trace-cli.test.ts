// mark, recipients and trace end to end through the CLI and a registry file: exit codes, JSON,
// the registry's record of each copy (never the key), and one-line refusals.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../test-support/cli.js";
import { sharedPath } from "../test-support/shared.js";
import { tempDir } from "../test-support/tmp.js";

const STORIES = sharedPath("models", "stories260K", "stories260K.bin");

test("pedigree mark / recipients / trace through a registry", () => {
  const dir = tempDir("pedigree-trace-cli-");
  const reg = join(dir, "reg.db");
  const key = join(dir, "k.key");
  writeFileSync(key, "trace-cli-test-key-0123456789");
  assert.equal(runCli(["register", STORIES, "--name", "st", "--owner", "lab", "--tier", "gated", "--license", "mit", "--registry", reg]).code, 0);
  assert.equal(runCli(["register", sharedPath("dev-families", "A"), "--name", "open-a", "--owner", "lab", "--tier", "open", "--license", "mit", "--registry", reg]).code, 0);
  for (const who of ["acme", "globex"]) {
    const r = runCli(["mark", STORIES, "--model", "st", "--recipient", who, "--key-file", key, "--out", join(dir, `${who}.bin`), "--registry", reg, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.issued.recipient, who);
    assert.match(j.issued.fileSha256, /^[0-9a-f]{64}$/);
  }
  const again = runCli(["mark", STORIES, "--model", "st", "--recipient", "acme", "--key-file", key, "--out", join(dir, "again.bin"), "--registry", reg]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already holds a marked copy/);
  const open = runCli(["mark", sharedPath("dev-families", "A"), "--model", "open-a", "--recipient", "x", "--key-file", key, "--out", join(dir, "x"), "--registry", reg]);
  assert.equal(open.code, 2);
  assert.match(open.stderr, /registered as open/);

  const list = runCli(["recipients", "st", "--registry", reg, "--json"]);
  assert.equal(list.code, 0, list.stderr);
  const copies = JSON.parse(list.stdout).recipients as Array<{ recipient: string; keySha256: string }>;
  assert.deepEqual(copies.map((c) => c.recipient), ["acme", "globex"]);
  assert.ok(!readFileSync(reg).includes(Buffer.from("trace-cli-test-key")), "the key itself is not in the registry");

  const leak = runCli(["trace", join(dir, "globex.bin"), "--model", "st", "--master", STORIES, "--key-file", key, "--registry", reg, "--json"]);
  assert.equal(leak.code, 1, leak.stderr);
  const j = JSON.parse(leak.stdout);
  assert.deepEqual(j.named.map((a: { recipient: string }) => a.recipient), ["globex"]);
  assert.equal(j.tested, 2);
  const text = runCli(["trace", join(dir, "globex.bin"), "--model", "st", "--master", STORIES, "--key-file", key, "--registry", reg]);
  assert.equal(text.code, 1);
  assert.match(text.stdout, /NAMED: 1\n\s+globex/);
  for (const line of text.stdout.split("\n")) assert.ok(line.length <= 80, line);
  const clean = runCli(["trace", STORIES, "--model", "st", "--master", STORIES, "--key-file", key, "--registry", reg]);
  assert.equal(clean.code, 0, clean.stderr);
  assert.match(clean.stdout, /no recipient named/);
  const otherKey = join(dir, "other.key");
  writeFileSync(otherKey, "a-different-secret-key-000000");
  const wrong = runCli(["trace", join(dir, "globex.bin"), "--model", "st", "--master", STORIES, "--key-file", otherKey, "--registry", reg]);
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /none of the 2 copies .* was marked with this key/);

  // scan names the recipient in the gated-redistribution finding
  const scan = runCli(["scan", join(dir, "globex.bin"), "--master", STORIES, "--key-file", key, "--registry", reg, "--json"]);
  assert.equal(scan.code, 1, scan.stderr);
  const findings = JSON.parse(scan.stdout).findings as Array<{ id: string; detail: string; evidence: Record<string, unknown> }>;
  const gated = findings.find((f) => f.id === "gated-redistribution") ?? assert.fail(scan.stdout);
  assert.equal(gated.evidence.tracedTo, "globex");
  assert.match(gated.detail, /copy issued to "globex"/);
  const half = runCli(["scan", join(dir, "globex.bin"), "--master", STORIES, "--registry", reg]);
  assert.equal(half.code, 2);
  assert.match(half.stderr, /--master and --key-file go together/);
});
