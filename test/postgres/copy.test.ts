/**
 * `pedigree registry copy` between a SQLite file and Postgres: sqlite -> pg -> sqlite gives the
 * same export line for line, the same ids, listings and issued copies; a target that holds models
 * is refused and left unchanged; the CLI says what it copied.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { copyRegistry, exportRegistry, list, PedigreeError, recipients, register } from "../../src/index.js";
import { openRegistry } from "../../src/registry/open.js";
import { recordIssued } from "../../src/registry/issued.js";
import { runCli } from "../../src/test-support/cli.js";
import { devPath } from "../../src/test-support/dev-truth.js";
import { createTestDatabase, type TestDatabase } from "../../src/test-support/postgres.js";
import { tempDir } from "../../src/test-support/tmp.js";
import { metaFor } from "../registry/support.js";

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(async () => {
  await db?.drop();
});

async function lines(registry: string): Promise<string[]> {
  const out: string[] = [];
  await exportRegistry({ registry, write: (l) => void out.push(l) });
  return out;
}

test("sqlite -> postgres -> sqlite: the same export, ids, listings and issued copies; a non-empty target is refused", async () => {
  const dir = tempDir("pedigree-copy-");
  const first = join(dir, "first.db");
  for (const id of ["A", "A-ft", "B"]) await register({ model: devPath(id), registry: first, meta: metaFor(id, id === "B" ? { tier: "gated", recipients: ["lab-x"], notes: "note\nwith a line" } : {}) });
  // a gap in the ids (a removed model) must survive the copy
  await register({ model: devPath("C"), registry: first, meta: metaFor("gone") });
  const f = openRegistry(first);
  try {
    f.prepare("DELETE FROM models WHERE name = 'gone'").run();
    recordIssued(f, { model: "B", recipient: "lab-x", keySha256: "a".repeat(64), scheme: "pm1", strength: 0.005, issuedAt: "2026-02-03T04:05:06.789Z", fileSha256: "b".repeat(64) });
  } finally {
    f.close();
  }
  await register({ model: devPath("C"), registry: first, meta: metaFor("C") });

  const toPg = await copyRegistry({ from: first, to: db.url });
  assert.deepEqual([toPg.models, toPg.issuedCopies], [4, 1]);
  const back = join(dir, "back.db");
  const toFile = await copyRegistry({ from: db.url, to: back });
  assert.deepEqual([toFile.models, toFile.issuedCopies], [4, 1]);

  assert.deepEqual(await lines(db.url), await lines(first));
  assert.deepEqual(await lines(back), await lines(first));
  const ids = async (r: string) => (await list({ registry: r })).models.map((m) => [m.id, m.name]);
  assert.deepEqual(await ids(back), await ids(first));
  assert.deepEqual(await ids(db.url), await ids(first));
  assert.deepEqual((await list({ registry: back })).models, (await list({ registry: first })).models);
  assert.deepEqual((await recipients({ model: "B", registry: back })).recipients, (await recipients({ model: "B", registry: first })).recipients);

  // a target that holds models: refused, unchanged
  await assert.rejects(copyRegistry({ from: first, to: db.url }), (e: unknown) => e instanceof PedigreeError && e.code === "conflict");
  assert.deepEqual(await lines(db.url), await lines(first));
  // after the copy, Postgres assigns the next id past the copied ones
  const next = await register({ model: devPath("D"), registry: db.url, meta: metaFor("D") });
  assert.equal(next.entry.id, Math.max(...(await ids(first)).map(([id]) => id as number)) + 1);

  const cli = runCli(["registry", "copy", first, join(dir, "cli.db"), "--json"]);
  assert.equal(cli.code, 0, cli.stderr);
  assert.equal((JSON.parse(cli.stdout) as { models: number }).models, 4);
});
