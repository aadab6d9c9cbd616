/**
 * An index sweep of a folder of dev-family models on a real Postgres registry, worked by two
 * `pedigree worker --until-idle` processes: the registry then holds exactly what registering each
 * model directly gives (same names, same fingerprint bytes); the sweep's counts and outcomes are in
 * the registry (pedigree.index/1); sweeping again writes nothing (every entry unchanged); a list
 * file names its entries; SIGTERM stops a worker (exit 0); a SQLite registry is refused in one
 * line, exit 2.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { runCli } from "../../src/test-support/cli.js";
import { createTestDatabase, type TestDatabase } from "../../src/test-support/postgres.js";
import { devFolder, registerDirectly, registryPrints, startWorker } from "../../src/test-support/queue.js";
import { pedigreeValidator } from "../../src/test-support/schemas.js";
import { tempDir } from "../../src/test-support/tmp.js";

const IDS = ["A", "A-ft", "A-q8", "B", "S"];
let queued: TestDatabase;
let direct: TestDatabase;
let folder = "";

before(async () => {
  [queued, direct] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  folder = devFolder(IDS);
});
after(async () => {
  await Promise.all([queued?.drop(), direct?.drop()]);
});

interface IndexDoc {
  sweep: { id: string; total: number | null; done: number; failed: number; finishedAt: string | null };
  entries?: Array<{ name: string; outcome: string | null }>;
}

function index(args: string[]): IndexDoc {
  const r = runCli(["index", ...args, "--registry", queued.url, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as IndexDoc;
  const v = pedigreeValidator("index");
  assert.ok(v(doc), JSON.stringify(v.errors));
  return doc;
}

async function work(n: number): Promise<void> {
  const workers = Array.from({ length: n }, () => startWorker(queued.url, ["--until-idle", "--json"]));
  for (const w of workers) {
    const r = await w.exited;
    assert.equal(r.code, 0, r.stderr);
    const v = pedigreeValidator("worker");
    assert.ok(v(JSON.parse(r.stdout)), JSON.stringify(v.errors));
  }
}

test("two workers index a folder: the registry equals direct registration, counted and recorded", async () => {
  const sweep = index([folder, "--owner", "lab", "--job-timeout", "60"]).sweep;
  assert.equal(sweep.total, null);
  await work(2);
  const done = index(["--sweep", sweep.id]);
  assert.deepEqual([done.sweep.total, done.sweep.done, done.sweep.failed], [IDS.length, IDS.length, 0]);
  assert.ok(done.sweep.finishedAt);
  assert.deepEqual(done.entries?.map((e) => [e.name, e.outcome]), IDS.map((id) => [id, "registered"]));
  await registerDirectly(direct.url, folder, IDS);
  assert.deepEqual(await registryPrints(queued.url), await registryPrints(direct.url));
});

test("sweeping the same folder again writes nothing: every entry unchanged", async () => {
  const before = await registryPrints(queued.url);
  const sweep = index([folder, "--owner", "lab"]).sweep;
  await work(1);
  const done = index(["--sweep", sweep.id]);
  assert.deepEqual(done.entries?.map((e) => e.outcome), IDS.map(() => "unchanged"));
  assert.deepEqual(await registryPrints(queued.url), before);
});

test("a list file names its entries; a missing model fails its entry only", async () => {
  const list = join(tempDir("pedigree-list-"), "models.txt");
  writeFileSync(list, `# two models\nC-copy\t${join(folder, "..", "nowhere")}\nB-again\t${join(folder, "B")}\n\n`);
  const sweep = index([list, "--owner", "lab"]);
  assert.equal(sweep.entries, undefined);
  await work(1);
  const done = index(["--sweep", sweep.sweep.id, "--wait"]);
  assert.deepEqual([done.sweep.done, done.sweep.failed], [1, 1]);
  assert.deepEqual(done.entries?.map((e) => [e.name, e.outcome]), [["B-again", "registered"], ["C-copy", "failed"]]);
});

test("SIGTERM stops a worker: exit 0, stopped by a signal", async () => {
  const w = startWorker(queued.url);
  while (!/worker on/.test(w.log())) await new Promise((r) => setTimeout(r, 100));
  w.child.kill("SIGTERM");
  const r = await w.exited;
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /stopped by a signal/);
});

test("a SQLite registry is refused: jobs need Postgres", () => {
  for (const cmd of [["index", folder], ["worker"]]) {
    const r = runCli([...cmd, "--registry", join(tempDir(), "r.db")]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split("\n").length, 1);
    assert.match(r.stderr, /jobs need a Postgres registry/);
  }
});
