/**
 * `npm run bench:sweep`: index sweeps on a Postgres registry worked by `pedigree worker`
 * processes (issue 14's job queue), on a throwaway cluster this bench starts (it restarts it).
 *
 * 1. Throughput: ../shared/dev-families (each sub-folder a model) swept with 1, 2 and 4 worker
 *    processes (`--until-idle`), each into a fresh database: models per minute from the sweep's
 *    start to its last outcome (workers' start-up included) — each registry checked equal to direct
 *    registration (same names, same fingerprint bytes). The direct registration, in one process
 *    without the queue, is timed too.
 * 2. Faults: a list file naming every dev model `--copies` times (A.1, A.2, ...) swept undisturbed by
 *    2 workers, then again into another database while a worker is SIGKILLed at random moments
 *    (`--kills`, 20, spread over the sweep: kill i once i/22 of the entries are settled, within a
 *    second after; the victim one of the connected workers, at random) and replaced, and Postgres is
 *    restarted once (pg_ctl -m immediate) after the middle kill; the two registries must be equal,
 *    every entry counted once, none failed.
 *
 * 3. `--hub`: the same sweeps of a mock hub on 127.0.0.1 (src/test-support/mock-hub.ts: every
 *    dev-family model and `--virtual` 7B-shaped models of `--layers` layers, data made from the
 *    offset) by `pedigree index hub+http://...`: models per minute, bytes the hub served per model
 *    against the repositories' size, and every worker count's registry equal to the first's.
 *
 * Options: --workers 1,2,4  --kills 20  --copies 12  --job-timeout 3  --steady (also the list of
 * copies swept with each worker count: the rate once workers are up, start-up amortised)
 * --hub [--virtual 2] [--layers 4] [--faults] (the hub sweeps only; --faults: a 429 every 20th
 * request, 5 % of file bodies cut off halfway)
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { register } from "../src/api/register.js";
import { hubModelInfo, listHubModels } from "../src/hub/index.js";
import { folderEntries } from "../src/queue/folder-source.js";
import { startMockHub } from "../src/test-support/mock-hub.js";
import { enqueueSweep } from "../src/queue/enqueue.js";
import { openQueue } from "../src/queue/open-queue.js";
import { postgresBin, startCluster, withDatabase, type Cluster } from "../src/test-support/postgres.js";
import { registryPrints, startWorker, sweepProgress, untilSettled, type WorkerProcess } from "../src/test-support/queue.js";
import { sharedPath } from "../src/test-support/shared.js";
import { tempDir } from "../src/test-support/tmp.js";

const args = process.argv.slice(2);
const value = (name: string, d: string) => (args.includes(name) ? (args[args.indexOf(name) + 1] as string) : d);
const WORKERS = value("--workers", "1,2,4").split(",").filter(Boolean).map(Number);
const KILLS = Number(value("--kills", "20"));
const COPIES = Number(value("--copies", "12"));
const JOB_TIMEOUT = Number(value("--job-timeout", "3"));
const FOLDER = sharedPath("dev-families");

let dbs = 0;
async function database(cluster: Cluster): Promise<string> {
  const name = `bench_sweep_${process.pid}_${dbs++}`;
  const c = new pg.Client({ connectionString: cluster.url });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  return withDatabase(cluster.url, name);
}

async function enqueue(url: string, source: string, jobTimeout = JOB_TIMEOUT): Promise<string> {
  const q = await openQueue(url, { settings: { expireInSeconds: jobTimeout } });
  try {
    return (await enqueueSweep(q, source, { owner: "bench", tier: "open" })).id;
  } finally {
    await q.close();
  }
}

/** Seconds from the sweep's start to its last outcome, read from the registry. */
async function sweepSeconds(url: string, id: string): Promise<{ seconds: number; total: number; done: number; failed: number }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const r = (await c.query<{ started_at: string; finished_at: string; total: number; done: number; failed: number }>("SELECT * FROM index_sweeps WHERE id = $1", [id])).rows[0];
  await c.end();
  if (!r?.finished_at) throw new Error(`sweep ${id} did not finish`);
  return { seconds: (Date.parse(r.finished_at) - Date.parse(r.started_at)) / 1000, total: r.total, done: r.done, failed: r.failed };
}

const same = (a: Map<string, string>, b: Map<string, string>) => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

async function exitAll(ws: WorkerProcess[]): Promise<void> {
  for (const w of ws) {
    const r = await w.exited;
    if (r.signal === null && r.code !== 0) throw new Error(`a worker exited ${r.code}: ${r.stderr.slice(-800)}`);
  }
}

async function throughput(cluster: Cluster): Promise<void> {
  const ids = folderEntries(FOLDER).map((e) => e.name);
  const direct = await database(cluster);
  let t = performance.now();
  for (const id of ids) await register({ model: join(FOLDER, id), meta: { name: id, owner: "bench", tier: "open" }, registry: direct });
  const directS = (performance.now() - t) / 1000;
  const want = await registryPrints(direct);
  console.log(`dev-families: ${ids.length} models; direct registration in one process (no queue): ${directS.toFixed(1)} s, ${(ids.length / directS * 60).toFixed(0)} models/min`);
  console.log("workers  sweep s  models/min  wall s (spawn to exit)  equal to direct");
  for (const n of WORKERS) {
    const url = await database(cluster);
    t = performance.now();
    const id = await enqueue(url, FOLDER);
    await exitAll(Array.from({ length: n }, () => startWorker(url, ["--until-idle"])));
    const wall = (performance.now() - t) / 1000;
    const s = await sweepSeconds(url, id);
    const eq = same(await registryPrints(url), want) && s.done === ids.length && s.failed === 0;
    console.log(`${String(n).padStart(7)}  ${s.seconds.toFixed(1).padStart(7)}  ${(s.total / s.seconds * 60).toFixed(0).padStart(10)}  ${wall.toFixed(1).padStart(21)}  ${eq ? "yes" : "NO"}`);
  }
}

/** A list file naming every dev model COPIES times (A.1, A.2, ...), and its length. */
function copiesList(): { list: string; total: number } {
  const models = folderEntries(FOLDER);
  const list = join(tempDir("pedigree-bench-sweep-"), "models.txt");
  writeFileSync(list, models.flatMap((m) => Array.from({ length: COPIES }, (_, i) => `${m.name}.${i + 1}\t${m.locator}`)).join("\n"));
  return { list, total: models.length * COPIES };
}

/** The longer sweep (the list of copies) with 1, 2 and 4 workers: the rate once the workers are up. */
async function steadyThroughput(cluster: Cluster): Promise<void> {
  const { list, total } = copiesList();
  console.log(`\n${total} entries (each dev model ${COPIES} times under other names)`);
  console.log("workers  sweep s  models/min");
  for (const n of WORKERS) {
    const url = await database(cluster);
    const id = await enqueue(url, list);
    await exitAll(Array.from({ length: n }, () => startWorker(url, ["--until-idle"])));
    const s = await sweepSeconds(url, id);
    console.log(`${String(n).padStart(7)}  ${s.seconds.toFixed(1).padStart(7)}  ${(s.total / s.seconds * 60).toFixed(0).padStart(10)}`);
  }
}

async function faults(cluster: Cluster): Promise<void> {
  const models = folderEntries(FOLDER);
  const { list, total } = copiesList();
  const calm = await database(cluster);
  const calmId = await enqueue(calm, list);
  await exitAll([startWorker(calm, ["--until-idle"]), startWorker(calm, ["--until-idle"])]);
  const calmS = await sweepSeconds(calm, calmId);
  console.log(`\nfault run: ${total} entries (${models.length} models x ${COPIES}), 2 workers, job timeout ${JOB_TIMEOUT} s`);
  console.log(`  undisturbed: ${calmS.seconds.toFixed(1)} s, ${calmS.done} done, ${calmS.failed} failed`);

  const url = await database(cluster);
  const id = await enqueue(url, list);
  const workers = [startWorker(url, ["--until-idle"]), startWorker(url, ["--until-idle"])];
  // a victim is a live worker that has connected (its first line written): kills land on working processes
  const live = () => workers.filter((w) => w.alive() && /worker on/.test(w.log()));
  let kills = 0;
  let restarted = false;
  const t0 = performance.now();
  // kill i once i/(kills+2) of the entries are settled, at a random moment within the next second:
  // the kills are spread over the whole sweep; Postgres restarts after the middle one
  for (let i = 1; i <= KILLS; i++) {
    const p = await untilSettled(url, id, Math.floor((i * total) / (KILLS + 2)));
    if (p.finished) break;
    await sleep(Math.random() * 1000);
    let cands = live();
    while (cands.length === 0) {
      await sleep(100);
      cands = live();
    }
    (cands[Math.floor(Math.random() * cands.length)] as WorkerProcess).child.kill("SIGKILL");
    kills++;
    workers.push(startWorker(url, ["--until-idle"]));
    if (!restarted && i === Math.ceil(KILLS / 2)) {
      cluster.restart();
      restarted = true;
      console.log(`  Postgres restarted after kill ${kills} (${p.settled}/${total} settled)`);
    }
  }
  const settledAtLastKill = (await sweepProgress(url, id)).settled;
  await exitAll(workers);
  const s = await sweepSeconds(url, id);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const retried = (await c.query<{ n: number }>("SELECT count(*)::int AS n FROM pedigree_boss.job WHERE name = 'pedigree-register' AND retry_count > 0")).rows[0]?.n;
  const models2 = (await c.query<{ n: number }>("SELECT count(*)::int AS n FROM models")).rows[0]?.n;
  await c.end();
  const eq = same(await registryPrints(url), await registryPrints(calm));
  console.log(`  disturbed: ${kills} SIGKILLs (the last with ${settledAtLastKill}/${total} settled), Postgres restarted ${restarted ? "once" : "never"}; ${((performance.now() - t0) / 1000).toFixed(1)} s from the first worker, sweep ${s.seconds.toFixed(1)} s`);
  console.log(`  ${s.done} done, ${s.failed} failed, ${models2} models registered, ${retried} register jobs retried`);
  console.log(`  final registry equal to the undisturbed one (same names, same fingerprint bytes): ${eq ? "yes" : "NO"}`);
  if (!eq || s.done !== total || models2 !== total) process.exitCode = 1;
}

/** Sweeps of a mock hub with each worker count: rate, bytes served against repository size, registries equal. */
async function hubThroughput(cluster: Cluster): Promise<void> {
  const virtual = Array.from({ length: Number(value("--virtual", "2")) }, (_, i) => ({ id: `llama-7b-shape-${i + 1}`, layers: Number(value("--layers", "4")), seed: 100 + i }));
  const hub = await startMockHub({ root: FOLDER, virtual, ...(args.includes("--faults") ? { faults: { every429: 20, retryAfter: 0, dropRate: 0.05 } } : {}) });
  try {
    const sizes = new Map<string, number>();
    for await (const m of listHubModels(hub.url)) sizes.set(m.id, (await hubModelInfo(hub.url, m.id)).files.reduce((t, f) => t + (f.size ?? 0), 0));
    const repoBytes = [...sizes.values()].reduce((a, b) => a + b, 0);
    const big = [...sizes.keys()].filter((k) => k.startsWith("llama-7b-shape"));
    console.log(`mock hub: ${sizes.size} models (${big.length} 7B-shaped, ${value("--layers", "4")} layers), ${(repoBytes / 1e9).toFixed(2)} GB in their repositories${args.includes("--faults") ? "; a 429 every 20th request, 5 % of bodies cut" : ""}`);
    console.log("workers  sweep s  models/min  served GB  of repos  7B-shaped served/repo  equal to 1st");
    let first: Map<string, string> | undefined;
    for (const n of WORKERS) {
      hub.bytesServed.clear();
      const url = await database(cluster);
      // a 7B-shaped model takes tens of seconds: a job is handed to another worker only after 10 minutes
      const id = await enqueue(url, `hub+${hub.url}`, 600);
      await exitAll(Array.from({ length: n }, () => startWorker(url, ["--until-idle"])));
      const s = await sweepSeconds(url, id);
      const prints = await registryPrints(url);
      first ??= prints;
      const served = [...hub.bytesServed.values()].reduce((a, b) => a + b, 0);
      const bigServed = big.reduce((t, k) => t + (hub.bytesServed.get(k) ?? 0), 0);
      const bigRepo = big.reduce((t, k) => t + (sizes.get(k) ?? 0), 0);
      const eq = same(prints, first) && s.done === sizes.size && s.failed === 0;
      console.log(`${String(n).padStart(7)}  ${s.seconds.toFixed(1).padStart(7)}  ${(s.total / s.seconds * 60).toFixed(1).padStart(10)}  ${(served / 1e9).toFixed(2).padStart(9)}  ${((100 * served) / repoBytes).toFixed(0).padStart(7)}%  ${(bigRepo ? (100 * bigServed) / bigRepo : 0).toFixed(0).padStart(20)}%  ${eq ? "yes" : "NO"}`);
    }
  } finally {
    await hub.close();
  }
}

const bin = postgresBin();
if (!bin) throw new Error("bench:sweep needs Postgres binaries (Debian: apt-get install postgresql)");
const cluster = await startCluster(bin);
try {
  if (args.includes("--hub")) await hubThroughput(cluster);
  else await throughput(cluster);
  if (args.includes("--steady")) await steadyThroughput(cluster);
  if (KILLS > 0 && !args.includes("--hub")) await faults(cluster);
} finally {
  cluster.stop();
}
