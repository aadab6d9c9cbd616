/**
 * The tests' Postgres: a database of this test's own on the cluster ($PEDIGREE_TEST_PG, or one
 * started from the machine's binaries), reached over a real connection, then dropped.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import pg from "pg";
import { createTestDatabase, testCluster } from "../../src/test-support/postgres.js";

test("a test database is created on the cluster, used over a real connection, and dropped", async () => {
  const db = await createTestDatabase();
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    const r = await c.query<{ db: string; v: number }>("SELECT current_database() AS db, current_setting('server_version_num')::int AS v");
    assert.match(r.rows[0]!.db, /^pedigree_test_/);
    assert.ok(r.rows[0]!.v >= 130000, `Postgres ${r.rows[0]!.v}: pg-boss 10 needs 13 or later`);
  } finally {
    await c.end();
  }
  await db.drop();
  const admin = new pg.Client({ connectionString: await testCluster() });
  await admin.connect();
  try {
    const left = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [new URL(db.url).pathname.slice(1)]);
    assert.equal(left.rowCount, 0);
  } finally {
    await admin.end();
  }
});
