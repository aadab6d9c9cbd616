/**
 * The CLI on a Postgres registry, as a user runs it: --registry postgres://... and
 * $PEDIGREE_REGISTRY for register, list, show, scan, tree, export, import, remove, mark,
 * recipients and trace; the URL's
 * password never printed; a server that cannot be reached is one line naming it, exit 2.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import pg from "pg";
import { runCli } from "../../src/test-support/cli.js";
import { devPath } from "../../src/test-support/dev-truth.js";
import { createTestDatabase, type TestDatabase } from "../../src/test-support/postgres.js";
import { sharedPath } from "../../src/test-support/shared.js";
import { tempDir } from "../../src/test-support/tmp.js";

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(async () => {
  await db?.drop();
});

/** The test database's URL with a password in it (the test cluster trusts local logins, so any password works). */
const withPassword = () => {
  const u = new URL(db.url);
  u.password = "s3cret-pw";
  return u.toString();
};

test("register, list, show, scan, tree, export, import, remove through --registry and $PEDIGREE_REGISTRY", () => {
  const url = withPassword();
  const reg = ["--registry", url];
  const shown = url.replace("s3cret-pw", "***");
  const r = runCli(["register", devPath("A"), "--name", "A", "--owner", "Lab A", "--tier", "closed", "--license", "apache-2.0", ...reg]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(runCli(["register", devPath("B"), "--name", "B", "--owner", "Lab B", "--tier", "open", "--license", "mit", ...reg]).code, 0);
  const listed = runCli(["list", "--json", ...reg]);
  assert.equal(listed.code, 0, listed.stderr);
  const doc = JSON.parse(listed.stdout) as { registry: string; models: Array<{ name: string }> };
  assert.equal(doc.registry, shown);
  assert.deepEqual(doc.models.map((m) => m.name), ["A", "B"]);
  process.env.PEDIGREE_REGISTRY = url;
  try {
    const s = runCli(["show", "A"]);
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stdout, /Lab A/);
    const scan = runCli(["scan", devPath("A-ft"), "-o", "json"]);
    assert.equal(scan.code, 1, scan.stderr);
    assert.deepEqual((JSON.parse(scan.stdout) as { derivedFrom: string[] }).derivedFrom, ["A"]);
    assert.equal(runCli(["tree", "--format", "json"]).code, 0);
    const out = join(tempDir("pedigree-pg-cli-"), "x.jsonl");
    assert.equal(runCli(["export", "-o", out]).code, 0);
    assert.equal(runCli(["remove", "B"]).code, 0);
    assert.equal(runCli(["import", out, "--replace"]).code, 0);
    const all = [listed, s, scan].map((x) => x.stdout + x.stderr).join("\n");
    assert.doesNotMatch(all, /s3cret-pw/);
  } finally {
    delete process.env.PEDIGREE_REGISTRY;
  }
  // a registry that cannot be reached: one line naming it (password hidden), exit 2
  const down = runCli(["list", "--registry", "postgres://u:s3cret-pw@127.0.0.1:1/x"]);
  assert.equal(down.code, 2);
  assert.equal(down.stderr.trim().split("\n").length, 1);
  assert.match(down.stderr, /^pedigree: postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/x: cannot reach the registry/);
  assert.doesNotMatch(down.stderr, /s3cret/);
});

test("mark, recipients, trace and scan's recipient on a Postgres registry", async () => {
  const dir = tempDir("pedigree-pg-mark-");
  const reg = ["--registry", db.url];
  const key = join(dir, "k.key");
  writeFileSync(key, "pg-mark-test-key-0123456789abcdef");
  const stories = sharedPath("models", "stories260K", "stories260K.bin");
  assert.equal(runCli(["register", stories, "--name", "st", "--owner", "lab", "--tier", "gated", "--license", "mit", ...reg]).code, 0);
  for (const who of ["acme", "globex"]) {
    const r = runCli(["mark", stories, "--model", "st", "--recipient", who, "--key-file", key, "--out", join(dir, `${who}.bin`), ...reg, "--json"]);
    assert.equal(r.code, 0, r.stderr);
  }
  const again = runCli(["mark", stories, "--model", "st", "--recipient", "acme", "--key-file", key, "--out", join(dir, "again.bin"), ...reg]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already holds a marked copy/);
  const list = runCli(["recipients", "st", ...reg, "--json"]);
  assert.equal(list.code, 0, list.stderr);
  const copies = JSON.parse(list.stdout).recipients as Array<{ recipient: string; keySha256: string; strength: number }>;
  assert.deepEqual(copies.map((c) => c.recipient), ["acme", "globex"]);
  assert.ok(copies.every((c) => /^[0-9a-f]{64}$/.test(c.keySha256) && c.strength > 0));
  // the key itself is nowhere in the database
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    const hits = await c.query("SELECT count(*)::int AS n FROM issued_copies WHERE key_sha256 LIKE '%pg-mark-test%' OR recipient LIKE '%pg-mark-test%'");
    assert.equal(hits.rows[0].n, 0);
  } finally {
    await c.end();
  }
  const leak = runCli(["trace", join(dir, "globex.bin"), "--model", "st", "--master", stories, "--key-file", key, ...reg, "--json"]);
  assert.equal(leak.code, 1, leak.stderr);
  assert.deepEqual(JSON.parse(leak.stdout).named.map((a: { recipient: string }) => a.recipient), ["globex"]);
  const scan = runCli(["scan", join(dir, "acme.bin"), "--master", stories, "--key-file", key, ...reg, "--json"]);
  assert.equal(scan.code, 1, scan.stderr);
  const findings = JSON.parse(scan.stdout).findings as Array<{ id: string; evidence: Record<string, unknown> }>;
  assert.equal(findings.find((f) => f.id === "gated-redistribution")?.evidence.tracedTo, "acme");
});
