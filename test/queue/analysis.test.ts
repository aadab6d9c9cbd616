/**
 * Scan and compare jobs, worked in-process by the library's worker (runWorker, --until-idle):
 * their documents (pedigree.scan, pedigree.compare) land in the registry's job_results under the
 * job id; a job on a file that is not there records its error instead.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { register } from "../../src/api/register.js";
import { enqueueCompare, enqueueScan } from "../../src/queue/enqueue.js";
import { jobResult } from "../../src/queue/job-results.js";
import { openQueue } from "../../src/queue/open-queue.js";
import { runWorker } from "../../src/queue/worker.js";
import { devPath } from "../../src/test-support/dev-truth.js";
import { createTestDatabase, type TestDatabase } from "../../src/test-support/postgres.js";

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(async () => {
  await db?.drop();
});

test("scan and compare jobs store their documents; a missing model its error", async () => {
  await register({ model: devPath("A"), meta: { name: "A", owner: "lab", tier: "closed", license: "mit" }, registry: db.url });
  const queue = await openQueue(db.url);
  try {
    const scanId = await enqueueScan(queue, devPath("A-ft"));
    const compareId = await enqueueCompare(queue, devPath("A"), devPath("A-drop"));
    const missingId = await enqueueScan(queue, devPath("no-such-model"));
    const summary = await runWorker({ registry: db.url, untilIdle: true });
    assert.deepEqual([summary.jobs, summary.failed, summary.stopped], [3, 1, "idle"]);
    const scanned = await jobResult(queue.pool, scanId);
    assert.deepEqual((scanned?.document as { derivedFrom: string[] }).derivedFrom, ["A"]);
    const compared = await jobResult(queue.pool, compareId);
    assert.equal((compared?.document as { verdict: string }).verdict, "derived");
    const missing = await jobResult(queue.pool, missingId);
    assert.equal(missing?.document, null);
    assert.match(missing?.error ?? "", /no-such-model/);
  } finally {
    await queue.close();
  }
});
