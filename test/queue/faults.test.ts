/**
 * A sweep survives its workers being SIGKILLed at random moments and its database going away:
 * workers are killed mid-sweep at random moments (each replaced by a new one), then every connection to the registry
 * is cut and refused for a while (src/test-support/pg-outage.ts); the workers wait it out and the
 * sweep completes. The registry then equals direct registration of every model (same names, same
 * fingerprint bytes), every entry counted once, none failed.
 */
import assert from "node:assert/strict";
import { readdirSync, statSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, test } from "node:test";
import { runCli } from "../../src/test-support/cli.js";
import { sharedPath } from "../../src/test-support/shared.js";
import { databaseOutage } from "../../src/test-support/pg-outage.js";
import { createTestDatabase, type TestDatabase } from "../../src/test-support/postgres.js";
import { devFolder, registerDirectly, registryPrints, startWorker, sweepProgress, untilSettled, type WorkerProcess } from "../../src/test-support/queue.js";

/** Every dev-family model. */
const IDS = readdirSync(sharedPath("dev-families")).filter((n) => statSync(sharedPath("dev-families", n)).isDirectory()).sort();
let queued: TestDatabase;
let direct: TestDatabase;

before(async () => {
  [queued, direct] = await Promise.all([createTestDatabase(), createTestDatabase()]);
});
after(async () => {
  await Promise.all([queued?.drop(), direct?.drop()]);
});

test("workers SIGKILLed mid-sweep and a database outage: the sweep completes, the registry equals direct registration", async () => {
  const folder = devFolder(IDS);
  const enq = runCli(["index", folder, "--owner", "lab", "--job-timeout", "2", "--registry", queued.url, "--json"]);
  assert.equal(enq.code, 0, enq.stderr);
  const id = (JSON.parse(enq.stdout) as { sweep: { id: string } }).sweep.id;
  const workers: WorkerProcess[] = [startWorker(queued.url, ["--until-idle"]), startWorker(queued.url, ["--until-idle"])];
  const live = () => workers.filter((w) => w.alive());
  // kills at random moments once 2, 5 and 8 entries are settled; the outage once 11 are, while a
  // live worker is connected
  let kills = 0;
  for (const n of [2, 5, 8]) {
    await untilSettled(queued.url, id, n);
    await sleep(Math.random() * 1000);
    const victim = live()[Math.floor(Math.random() * live().length)];
    assert.ok(victim && !(await sweepProgress(queued.url, id)).finished, "the sweep ended before the faults");
    victim.child.kill("SIGKILL");
    kills++;
    workers.push(startWorker(queued.url, ["--until-idle"]));
  }
  await untilSettled(queued.url, id, 11);
  while (!live().some((w) => /worker on/.test(w.log()))) await sleep(50);
  assert.ok(!(await sweepProgress(queued.url, id)).finished, "the sweep ended before the outage");
  assert.ok((await databaseOutage(queued.url, 2500)) > 0, "the outage cut no connection");
  const ends = await Promise.all(workers.map((w) => w.exited));
  const killed = ends.filter((e) => e.signal === "SIGKILL").length;
  assert.equal(killed, kills);
  for (const e of ends.filter((x) => x.signal === null)) assert.equal(e.code, 0, e.stderr);
  // a worker connected during the outage waited it out
  assert.ok(ends.some((e) => /registry unreachable/.test(e.stderr) && /reachable again/.test(e.stderr)), ends.map((e) => e.stderr).join("\n"));
  const shown = runCli(["index", "--sweep", id, "--registry", queued.url, "--json"]);
  const sweep = (JSON.parse(shown.stdout) as { sweep: { total: number; done: number; failed: number } }).sweep;
  assert.deepEqual([sweep.total, sweep.done, sweep.failed], [IDS.length, IDS.length, 0]);
  await registerDirectly(direct.url, folder, IDS);
  assert.deepEqual(await registryPrints(queued.url), await registryPrints(direct.url));
});
