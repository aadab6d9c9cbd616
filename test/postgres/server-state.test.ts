/**
 * The server's state (src/server/state) checked by one suite on both stores: the registry's SQLite
 * file and a Postgres registry's database. Tokens (stored by hash, revoked ones refused), the
 * append-only audit log, alerts by organisation, and the job queue (on Postgres through pg-boss): claimed oldest first and once,
 * progress, completion only while running, cancellation, a restart re-queueing running jobs,
 * per-token counts and finished jobs newest first.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import pg from "pg";
import { openBackend } from "../../src/registry/connect.js";
import { openRegistry } from "../../src/registry/open.js";
import { PgServerState } from "../../src/server/state/postgres.js";
import { SqliteServerState } from "../../src/server/state/sqlite.js";
import type { ServerState } from "../../src/server/state/state.js";
import { createTestDatabase, type TestDatabase } from "../../src/test-support/postgres.js";
import { tempDir } from "../../src/test-support/tmp.js";

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(async () => {
  await db?.drop();
});

async function suite(state: ServerState, tryChangeAudit: () => Promise<unknown>): Promise<void> {
  // tokens
  const admin = await state.addToken("a".repeat(64), "admin", null, "first", "2026-01-01T00:00:00.000Z");
  const owner = await state.addToken("b".repeat(64), "owner", "Lab A", "owner", "2026-01-01T00:00:01.000Z");
  assert.equal(await state.adminCount(), 1);
  assert.deepEqual(await state.principalOf("b".repeat(64)), { tokenId: owner.id, role: "owner", org: "Lab A" });
  assert.equal(await state.principalOf("c".repeat(64)), undefined);
  assert.deepEqual((await state.listTokens()).map((t) => [t.id, t.role, t.org, t.revoked]), [[admin.id, "admin", null, false], [owner.id, "owner", "Lab A", false]]);

  // audit and alerts
  await state.audit({ tokenId: admin.id, role: "admin", org: null }, "create-token", String(owner.id), { role: "owner" });
  await state.audit(undefined, "register", "A");
  const log = await state.auditLog();
  assert.deepEqual(log.map((e) => [e.action, e.target, e.tokenId, e.detail]), [["register", "A", null, null], ["create-token", String(owner.id), admin.id, { role: "owner" }]]);
  await assert.rejects(tryChangeAudit, /append-only/);
  const alert = { model: "A", tier: "closed", jobId: "j", suspect: "s", verdict: "derived", log10PValue: -12.5, at: "2026-01-01T00:00:02.000Z" };
  await state.addAlert("Lab A", alert, owner.id);
  await state.addAlert("Lab B", { ...alert, model: "B" }, owner.id);
  assert.deepEqual(await state.alerts("Lab A"), [{ org: "Lab A", ...alert }]);
  assert.deepEqual((await state.alerts(null)).map((a) => a.model), ["B", "A"]);

  // jobs
  const q = state.jobs;
  const j1 = await q.add("scan", owner.id, { path: "A" });
  const j2 = await q.add("tree", owner.id, { only: ["A"] });
  const j3 = await q.add("scan", admin.id, { path: "B" });
  assert.equal(j1.status, "queued");
  assert.equal(await q.active(owner.id), 2);
  const c1 = await q.claim();
  assert.equal(c1?.id, j1.id);
  assert.equal(c1?.status, "running");
  await q.progress(j1.id, { stage: "compare", done: 1, total: 2 });
  assert.deepEqual((await q.get(j1.id))?.progress, { stage: "compare", done: 1, total: 2 });
  const done = await q.complete(j1.id, "done", { document: { x: 1 } }, null);
  assert.equal(done?.status, "done");
  assert.deepEqual(done?.result, { document: { x: 1 } });
  assert.equal(await q.complete(j1.id, "failed", null, { code: "internal", message: "late" }), undefined, "an ended job never changes");
  assert.equal((await q.claim())?.id, j2.id);
  assert.deepEqual(await q.cancel(j2.id).then((r) => [r.changed, r.job?.status]), [true, "cancelled"]);
  assert.equal(await q.complete(j2.id, "done", {}, null), undefined, "a cancelled job stays cancelled");
  assert.equal((await q.cancel(j2.id)).changed, false);
  assert.equal((await q.claim())?.id, j3.id);
  await q.progress(j3.id, { stage: "load", done: 0, total: 1 });
  await q.requeueRunning();
  const back = await q.get(j3.id);
  assert.deepEqual([back?.status, back?.progress], ["queued", null]);
  assert.equal((await q.claim())?.id, j3.id);
  await q.complete(j3.id, "failed", null, { code: "bad-input", message: "no" });
  assert.equal(await q.claim(), undefined);
  assert.equal(await q.active(owner.id), 0);
  assert.deepEqual((await q.finished("scan", null, 10)).map((j) => j.id), [j1.id]);
  assert.deepEqual((await q.finished("scan", admin.id, 10)).map((j) => j.id), []);
  assert.deepEqual((await q.get(j3.id))?.error, { code: "bad-input", message: "no" });
}

test("server state in the registry's SQLite file", async () => {
  const file = join(tempDir("pedigree-state-"), "r.db");
  const reg = openRegistry(file);
  try {
    const state = new SqliteServerState(reg);
    await suite(state, async () => reg.prepare("UPDATE server_audit SET action = 'x'").run());
    await state.close();
  } finally {
    reg.close();
  }
});

test("server state in a Postgres registry's database; servers sharing it never claim one job twice", async () => {
  const registry = await openBackend(db.url);
  const state = await PgServerState.open(db.url, "test");
  const raw = new pg.Client({ connectionString: db.url });
  await raw.connect();
  try {
    await suite(state, () => raw.query("DELETE FROM server_audit"));
    const other = await PgServerState.open(db.url, "test"); // migrations applied once: a second open changes nothing
    try {
      for (let i = 0; i < 12; i++) await state.jobs.add("scan", 1, { i });
      const claims = await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 ? state : other).jobs.claim()));
      const ids = claims.filter((j) => j !== undefined).map((j) => j.id);
      assert.equal(ids.length, 12);
      assert.equal(new Set(ids).size, 12);
      // the jobs go through pg-boss, the queue `pedigree worker` uses: a server that dies holding a
      // job leaves it to pg-boss's expiry, which hands it out again, to another server
      const bossState = async (id: string) => (await raw.query<{ state: string }>("SELECT state FROM pedigree_boss.job WHERE name = 'pedigree-serve' AND data ->> 'id' = $1", [id])).rows.map((r) => r.state);
      const j = await state.jobs.add("scan", 1, { dies: true });
      assert.deepEqual(await bossState(j.id), ["created"]);
      assert.equal((await state.jobs.claim())?.id, j.id);
      assert.deepEqual(await bossState(j.id), ["active"]);
      await raw.query("UPDATE pedigree_boss.job SET state = 'retry', start_after = now() WHERE name = 'pedigree-serve' AND data ->> 'id' = $1", [j.id]);
      const again = await other.jobs.claim();
      assert.deepEqual([again?.id, again?.status], [j.id, "running"]);
      assert.equal((await other.jobs.complete(j.id, "done", { ok: 1 }, null))?.status, "done");
      assert.deepEqual(await bossState(j.id), ["completed"]);
      assert.equal(await state.jobs.claim(), undefined);
    } finally {
      await other.close();
    }
  } finally {
    await raw.end();
    await state.close();
    await registry.close();
  }
});
