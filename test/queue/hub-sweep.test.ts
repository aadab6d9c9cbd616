/**
 * An index sweep of a Hugging Face-style hub (a mock hub on 127.0.0.1 serving dev-family models,
 * answering every 7th request 429 and cutting 5 % of file bodies halfway): two `pedigree worker
 * --until-idle` processes fingerprint each model by range requests into a Postgres registry. Every
 * model is registered under its hub id with the hub's base_model and licence claims beside its
 * fingerprint, and the registry works: a local fine-tune of A, scanned against it, derives from A.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { openBackend } from "../../src/registry/connect.js";
import { runCli } from "../../src/test-support/cli.js";
import { devPath } from "../../src/test-support/dev-truth.js";
import { startMockHub, type MockHub } from "../../src/test-support/mock-hub.js";
import { createTestDatabase, type TestDatabase } from "../../src/test-support/postgres.js";
import { startWorker } from "../../src/test-support/queue.js";
import { sharedPath } from "../../src/test-support/shared.js";

const IDS = ["A", "A-q8", "B", "S"];
let db: TestDatabase;
let hub: MockHub;

before(async () => {
  db = await createTestDatabase();
  hub = await startMockHub({ root: sharedPath("dev-families"), only: IDS, faults: { every429: 7, retryAfter: 0, dropRate: 0.05 }, pageSize: 3, seed: 5 });
});
after(async () => {
  await hub?.close();
  await db?.drop();
});

test("two workers index a mock hub through its faults: every model, with the hub's claims", async () => {
  const source = `hub+${hub.url}`;
  const queued = runCli(["index", source, "--owner", "hub", "--registry", db.url, "--json"]);
  assert.equal(queued.code, 0, queued.stderr);
  const id = (JSON.parse(queued.stdout) as { sweep: { id: string } }).sweep.id;
  const workers = [startWorker(db.url, ["--until-idle"]), startWorker(db.url, ["--until-idle"])];
  for (const w of workers) assert.equal((await w.exited).code, 0, w.log());
  const done = runCli(["index", "--sweep", id, "--registry", db.url, "--json"]);
  const doc = JSON.parse(done.stdout) as { sweep: { total: number; done: number; failed: number }; entries: Array<{ name: string; outcome: string }> };
  assert.deepEqual([doc.sweep.total, doc.sweep.done, doc.sweep.failed], [IDS.length, IDS.length, 0]);
  assert.deepEqual(doc.entries.map((e) => [e.name, e.outcome]).sort(), IDS.map((i) => [i, "registered"]).sort());
  const b = await openBackend(db.url, { readOnly: true });
  try {
    const q8 = await b.get("A-q8");
    assert.equal(q8?.declaredBase, "A", "the hub's base_model claim is recorded");
    assert.equal(q8?.license, "apache-2.0");
    assert.match(q8?.summary.path ?? "", /^hub\+http:\/\/127\.0\.0\.1:\d+\/A-q8$/);
  } finally {
    await b.close();
  }
  const scan = runCli(["scan", devPath("A-ft"), "--registry", db.url, "--json"]);
  assert.equal(scan.code, 1, scan.stderr);
  assert.ok((JSON.parse(scan.stdout) as { derivedFrom: string[] }).derivedFrom.includes("A"), scan.stdout);
});
