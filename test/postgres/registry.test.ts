/**
 * The Postgres registry over a real connection: the api's register, list, show, scan, tree, export,
 * import and remove on a database of the test's own; the same registrations in a SQLite file and in
 * Postgres give the same export line for line and the same scan (with more models than the
 * exhaustive rule covers, so the index picks the candidates); a read never creates a registry;
 * concurrent registrations of one name leave one; both stores find the models holding a
 * behavioural fingerprint alike.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { join } from "node:path";
import pg from "pg";
import type { PedigreeError} from "../../src/index.js";
import { exportRegistry, importRegistry, list, register, remove, scan, show, tree } from "../../src/index.js";
import { decodeBehaviour } from "../../src/behaviour/stored.js";
import { BEHAVIOUR_PART } from "../../src/fingerprint/codec.js";
import { openBackend } from "../../src/registry/connect.js";
import { openRegistry } from "../../src/registry/open.js";
import { codeOf } from "../../src/test-support/error-code.js";
import { devPath } from "../../src/test-support/dev-truth.js";
import { createTestDatabase, type TestDatabase } from "../../src/test-support/postgres.js";
import { devModelIds } from "../../src/test-support/shared.js";
import { tempDir } from "../../src/test-support/tmp.js";
import { fingerprintOf, metaFor } from "../registry/support.js";

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(async () => {
  await db?.drop();
});

async function tables(url: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ t: string }>("SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).rows.map((r) => r.t);
  } finally {
    await c.end();
  }
}

test("register, list, show, scan, tree, export, import, remove on a Postgres registry", async () => {
  const registry = db.url;
  // a read on a database without a registry: not-found, and nothing is created
  assert.equal(await codeOf(list({ registry })), "not-found");
  assert.deepEqual(await tables(registry), []);
  const a = await register({ model: devPath("A"), registry, meta: { name: "A", owner: "Lab A", tier: "closed", license: "apache-2.0" } });
  assert.equal(a.registry, registry);
  assert.equal(a.entry.name, "A");
  assert.deepEqual(await tables(registry), ["fingerprint_parts", "index_entries", "index_lists", "index_sweeps", "issued_copies", "job_results", "models", "pedigree_registry"]);
  await register({ model: devPath("B"), registry, meta: { name: "B", owner: "Lab B", tier: "gated", license: "mit", recipients: ["x", "y"] } });
  assert.equal(await codeOf(register({ model: devPath("A-ft"), registry, meta: { name: "A", owner: "x", tier: "open", license: "mit" } })), "conflict");
  assert.equal(await codeOf(register({ model: devPath("A-ft"), registry, meta: { name: " bad", owner: "x", tier: "open", license: "mit" } })), "usage");
  const listed = (await list({ registry })).models;
  assert.deepEqual(listed.map((m) => m.name), ["A", "B"]);
  assert.equal(listed[0]?.layers, 6);
  const shown = await show({ name: "B", registry });
  assert.deepEqual(shown.recipients, ["x", "y"]);
  assert.equal(shown.parts[0]?.part, "meta");
  assert.equal(await codeOf(show({ name: "nope", registry })), "not-found");

  const outcome = await scan({ model: devPath("A-ft"), registry });
  assert.deepEqual(outcome.document.derivedFrom, ["A"]);
  assert.equal(outcome.scan.registry.file, registry);
  assert.ok(outcome.findings.some((f) => f.id === "leak"), "a derivative of a closed model is a leak");
  assert.equal((await tree({ registry })).document.models, 2);

  const dir = tempDir("pedigree-pg-");
  const out = join(dir, "export.jsonl");
  assert.equal((await exportRegistry({ registry, out })).models, 2);
  const file = join(dir, "copy.db");
  assert.deepEqual((await importRegistry({ file: out, registry: file })).names, ["A", "B"]);
  const back: string[] = [];
  await exportRegistry({ registry: file, write: (l) => void back.push(l) });
  const fromPg: string[] = [];
  await exportRegistry({ registry, write: (l) => void fromPg.push(l) });
  assert.deepEqual(back, fromPg, "the file holds what Postgres held, line for line");
  // import into Postgres: a name taken is refused (nothing imported) unless replace
  assert.equal(await codeOf(importRegistry({ file: out, registry })), "bad-input");
  assert.equal((await importRegistry({ file: out, registry, replace: true })).replaced, 2);

  assert.equal((await remove({ name: "B", registry })).removed.name, "B");
  assert.deepEqual((await list({ registry })).models.map((m) => m.name), ["A"]);
  assert.equal(await codeOf(remove({ name: "B", registry })), "not-found");
  const c = new pg.Client({ connectionString: registry });
  await c.connect();
  try {
    const left = await c.query("SELECT 1 FROM index_lists WHERE $1 = ANY(model_ids)", [a.entry.id + 1]);
    assert.equal(left.rowCount, 0, "a removed model leaves no index entry");
  } finally {
    await c.end();
  }
});

test("the same registrations in SQLite and Postgres: the same export and the same scan, by the index", async () => {
  const pgDb = await createTestDatabase();
  try {
    const ids = devModelIds().slice(0, 30);
    const file = join(tempDir("pedigree-pg-"), "lab.db");
    for (const where of [file, pgDb.url]) {
      const b = await openBackend(where);
      try {
        for (const id of ids) await b.register(fingerprintOf(devPath(id)), metaFor(id, id === "A" ? { tier: "closed" } : {}), "2026-01-01T00:00:00.000Z");
      } finally {
        await b.close();
      }
    }
    const lines = async (registry: string) => {
      const out: string[] = [];
      await exportRegistry({ registry, write: (l) => void out.push(l) });
      return out;
    };
    assert.deepEqual(await lines(pgDb.url), await lines(file));
    assert.deepEqual((await list({ registry: pgDb.url })).models, (await list({ registry: file })).models);
    const suspect = ids.includes("A-ft") ? "A-ft" : (ids[1] as string);
    const onPg = await scan({ model: devPath(suspect), registry: pgDb.url });
    const onFile = await scan({ model: devPath(suspect), registry: file });
    assert.equal(onPg.scan.registry.models, ids.length);
    assert.ok(ids.length > 24, "more models than the exhaustive rule covers");
    // A-ft's family fills the first 8 candidates: the scan widens, and on Postgres fetches more
    assert.ok(onPg.scan.registry.compared > 8, `${onPg.scan.registry.compared} compared`);
    assert.deepEqual(onPg.scan.matches.map((m) => [m.model.name, m.selectedBy, m.indexHits, m.verdict]), onFile.scan.matches.map((m) => [m.model.name, m.selectedBy, m.indexHits, m.verdict]));
    assert.deepEqual(onPg.document.derivedFrom, onFile.document.derivedFrom);
    assert.ok(onPg.document.derivedFrom.length > 0);
  } finally {
    await pgDb.drop();
  }
});

test("two registrations of one name at once: one is registered, the other is a conflict", async () => {
  const pgDb = await createTestDatabase();
  try {
    const [x, y] = await Promise.allSettled([
      register({ model: devPath("A"), registry: pgDb.url, meta: metaFor("same") }),
      register({ model: devPath("B"), registry: pgDb.url, meta: metaFor("same") }),
    ]);
    const codes = [x, y].map((r) => (r.status === "fulfilled" ? "ok" : (r.reason as PedigreeError).code)).sort();
    assert.deepEqual(codes, ["conflict", "ok"]);
    assert.equal((await list({ registry: pgDb.url })).models.length, 1);
  } finally {
    await pgDb.drop();
  }
});

test("behaviours(): the models holding a behavioural fingerprint, the same from SQLite (by its partial index) and Postgres", async () => {
  const pgDb = await createTestDatabase();
  try {
    const file = join(tempDir("pedigree-pg-behaviour-"), "lab.db");
    for (const where of [file, pgDb.url]) {
      await register({ model: devPath("S"), registry: where, behaviour: true, meta: { name: "S", owner: "lab", tier: "open", license: "mit" } });
      await register({ model: devPath("S-q8"), registry: where, meta: { name: "S-q8", owner: "lab", tier: "open", license: "mit" } });
    }
    const rows = async (where: string) => {
      const b = await openBackend(where);
      try {
        return await b.behaviours();
      } finally {
        await b.close();
      }
    };
    const onPg = await rows(pgDb.url);
    const onFile = await rows(file);
    assert.deepEqual(onPg.map((r) => r.name), ["S"]);
    // the same model's forward passes in both (the records differ only in the seconds they took)
    const probes = (r: typeof onPg) => r.map((x) => ({ ...x, bytes: decodeBehaviour(x.bytes).probes }));
    assert.deepEqual(probes(onPg), probes(onFile));
    assert.ok((onPg[0]?.parameters ?? 0) > 200_000, String(onPg[0]?.parameters));
    assert.equal(decodeBehaviour(onPg[0]?.bytes ?? new Uint8Array()).probes.length, 30);
    const sq = openRegistry(file);
    try {
      const plan = sq.prepare(`EXPLAIN QUERY PLAN SELECT model_id FROM fingerprint_parts WHERE part = '${BEHAVIOUR_PART}'`).all() as Array<{ detail: string }>;
      assert.match(plan.map((p) => p.detail).join("\n"), /fingerprint_parts_behaviour/);
    } finally {
      sq.close();
    }
  } finally {
    await pgDb.drop();
  }
});
