/**
 * The CLI on a Postgres registry, as a user runs it: --registry postgres://... and
 * $PEDIGREE_REGISTRY for register, list, show, scan, tree, export, import, remove; the URL's
 * password never printed; a server that cannot be reached is one line naming it, exit 2.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { runCli } from "../../src/test-support/cli.js";
import { devPath } from "../../src/test-support/dev-truth.js";
import { createTestDatabase, type TestDatabase } from "../../src/test-support/postgres.js";
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
