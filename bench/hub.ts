/**
 * `npm run bench:hub`: scan latency against a hub-sized registry (issue 14's target: <= 1 s at
 * 1,000,000 models on Postgres), beside SQLite at the sizes a file still takes.
 *
 * Each registry holds N model rows and the index entries of N independent models: random 64-bit
 * codes, as bench:scan's synthetic fingerprints have (544 codes a model: ~1,630 band keys). Their
 * posting lists are drawn directly, key by key (a list of ~Poisson(N·codes/2^20) random model ids),
 * in Postgres by one INSERT ... SELECT, in SQLite in key order: the same statistics as registering
 * N random index keys, without a day of registrations. Fingerprint parts (7B-sized, ~300 KB each)
 * are stored only for the models the benchmark's scans compare (the index's candidates of both
 * suspects) and the planted model: the scan fetches parts by model id, so the rest would only fill
 * the disk. The planted 7B-shaped model P is registered through the real path; two suspects are
 * scanned by fingerprint: a fine-tune of P (85% of its codes kept) and an unrelated model.
 *
 * Printed per registry: build time, size, candidate search (the index query alone: best of 3),
 * and the whole scan (count, candidate search, fetching the working set, comparing 8-64
 * candidates, correction), best of 3. Options: --pg 10000,100000,1000000  --sqlite 10000,100000
 * (empty to skip), --keep (leave the databases and files), --reuse (measure on the Postgres databases a --keep run left). Postgres: $PEDIGREE_TEST_PG, else a
 * throwaway cluster from the machine's binaries.
 */
import { mkdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { encodeFingerprint } from "../src/fingerprint/codec.js";
import type { Fingerprint, IndexKey } from "../src/fingerprint/types.js";
import { Rng } from "../src/numeric/rng.js";
import { bandKeys } from "../src/registry/band-keys.js";
import { openBackend } from "../src/registry/connect.js";
import { openRegistry, type Registry } from "../src/registry/open.js";
import type { RegistryBackend } from "../src/registry/backend.js";
import { scanOnBackend } from "../src/scan/fetch.js";
import { DEFAULT_CANDIDATES } from "../src/scan/select.js";
import { MAX_CANDIDATES, scanFingerprint, type ScanResult } from "../src/scan/scan.js";
import { candidates } from "../src/registry/store.js";
import { postgresBin, startCluster, withDatabase } from "../src/test-support/postgres.js";
import { derivative, SHAPES, synthetic, type Shape } from "./synthetic.js";

const args = process.argv.slice(2);
const value = (name: string, d: string) => (args.includes(name) ? (args[args.indexOf(name) + 1] as string) : d);
const sizes = (s: string) => s.split(",").filter(Boolean).map(Number);
const PG_SIZES = sizes(value("--pg", "10000,100000,1000000"));
const SQLITE_SIZES = sizes(value("--sqlite", "10000,100000"));
const keep = args.includes("--keep");
/** Measure on the databases a --keep run left (Postgres), without building them again. */
const reuse = args.includes("--reuse");

/** Codes per model by kind (randomIndex: 256 descriptor, 256 coordinate, 32 anchor codes), 3 bands each. */
const CODES = [256, 256, 32];
const BAND_SPACE = 1 << 20;
const SHAPE_7B = SHAPES[1] as Shape;
const DECLARED = { baseModels: [], problems: [] };

const planted = synthetic(SHAPE_7B, new Rng(7), "planted-7B");
const suspects: Array<[string, Fingerprint]> = [["fine-tune of P", derivative(planted, 0.05, 0.85, new Rng(8))], ["unrelated", synthetic(SHAPE_7B, new Rng(9), "unrelated-7B")]];
const SUMMARY = JSON.stringify(synthetic(SHAPES[0] as Shape, new Rng(1), "row").summary);

function best<T>(reps: number, f: () => T): { ms: number; out: T } {
  let ms = Infinity;
  let out = f();
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    out = f();
    ms = Math.min(ms, performance.now() - t);
  }
  return { ms, out };
}

async function bestAsync<T>(reps: number, f: () => Promise<T>): Promise<{ ms: number; out: T }> {
  let ms = Infinity;
  let out = await f();
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    out = await f();
    ms = Math.min(ms, performance.now() - t);
  }
  return { ms, out };
}

/**
 * The synthetic model stored under id `id`, its parts made on demand for the models a scan
 * compares, with an index key made of the suspects' band keys its id was posted under (the lists
 * were drawn key by key; its other keys meet no query here): a working set rebuilds postings from
 * the parts, as for any model, and ranks the models as the registry's index does.
 */
function modelOf(id: number, keys: readonly number[]): Fingerprint {
  const fp = synthetic(SHAPES[id % SHAPES.length] as Shape, new Rng(1000 + id), `synthetic-${id}`);
  return { ...fp, index: indexFromKeys(keys) };
}

/** An index key whose band keys are `keys`: per kind, codes made of one value from each band slot (0 where a slot runs out). */
function indexFromKeys(keys: readonly number[]): IndexKey {
  const slots = Array.from({ length: 9 }, () => [] as number[]);
  for (const k of keys) slots[k >>> 20]?.push(k & 0xfffff);
  const codes: number[] = [];
  const kinds: number[] = [];
  for (let kind = 0; kind < 3; kind++) {
    const [b0, b1, b2] = [0, 1, 2].map((b) => slots[kind * 3 + b] as number[]) as [number[], number[], number[]];
    for (let i = 0; i < Math.max(b0.length, b1.length, b2.length); i++) {
      const [x, y, z] = [b0[i] ?? 0, b1[i] ?? 0, b2[i] ?? 0];
      // bands(hi, lo) = [lo & 0xfffff, ((lo >>> 20) | (hi << 12)) & 0xfffff, (hi >>> 8) & 0xfffff]
      codes.push(((y >>> 12) | (z << 8)) >>> 0, (x | ((y & 0xfff) << 20)) >>> 0);
      kinds.push(kind);
    }
  }
  return { codes: Uint32Array.from(codes), kinds: Uint8Array.from(kinds), layers: new Uint16Array(kinds.length) };
}

function line(kind: string, n: number, buildS: number, bytes: number, postings: number, partsFor: number, cand: number[], scans: Array<{ ms: number; r: ScanResult }>): void {
  const gb = (bytes / 2 ** 30).toFixed(2);
  const s = scans.map(({ ms, r }, i) => {
    const top = r.matches[0];
    return `${suspects[i]?.[0]}: scan ${ms.toFixed(0)} ms (${r.registry.compared} compared) -> ${top && top.verdict === "derived" ? `${top.model.name} derived` : "no derivation"}`;
  });
  console.log(`${kind.padEnd(8)} ${String(n).padStart(8)} models  ${(postings / 1e6).toFixed(1)} M postings, parts for ${partsFor}  built ${buildS.toFixed(0)} s, ${gb} GB  |  candidate search ${cand.map((c) => c.toFixed(0)).join(" / ")} ms  |  ${s.join("  |  ")}  ${scans.every((x) => x.ms <= 1000) ? "PASS" : "MISS"}`);
}

// ---- Postgres

async function pgBuild(admin: pg.Client, base: string, n: number): Promise<{ url: string; name: string; buildS: number }> {
  const name = `pedigree_bench_hub_${n}`;
  if (reuse && ((await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rowCount ?? 0) > 0) return { url: withDatabase(base, name), name, buildS: 0 };
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  const url = withDatabase(base, name);
  const t = performance.now();
  await (await openBackend(url)).close(); // the schema, by the real migrations
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`INSERT INTO models (id, name, owner, tier, license, registered_at, fingerprint_version, summary_json, part_count, posting_count)
      SELECT i, 'synthetic-' || i, 'bench', 'open', 'apache-2.0', '2026-01-01T00:00:00Z', 1, $1, 1, 1632 FROM generate_series(1, $2::int) AS i`, [SUMMARY, n]);
    await c.query("SELECT setval(pg_get_serial_sequence('models', 'id'), $1)", [n]);
    // one list per band key: ~Poisson(lambda) distinct random ids (normal approximation, empty lists left out)
    await c.query(`INSERT INTO index_lists (band_key, model_ids)
      SELECT k, ARRAY(SELECT DISTINCT 1 + floor(random() * $1::int)::int FROM generate_series(1, len))
      FROM (
        SELECT ((kind * 3 + band) << 20) | v AS k,
               greatest(0, round(lambda + sqrt(lambda) * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())))::int AS len
        FROM (VALUES (0, $1::float8 * 256 / ${BAND_SPACE}), (1, $1::float8 * 256 / ${BAND_SPACE}), (2, $1::float8 * 32 / ${BAND_SPACE})) AS kinds (kind, lambda),
             generate_series(0, 2) AS band, generate_series(1, ${BAND_SPACE - 1}) AS v
      ) s WHERE len > 0`, [n]);
    await c.query("VACUUM ANALYZE");
  } finally {
    await c.end();
  }
  return { url, name, buildS: (performance.now() - t) / 1000 };
}

/** Stores parts (and the real summary) for the models the scans will compare. */
async function pgParts(url: string, b: RegistryBackend): Promise<number> {
  const ids = new Set<number>();
  for (const [, fp] of suspects) for (const c of await b.candidates(fp.index, MAX_CANDIDATES)) if (c.name.startsWith("synthetic-")) ids.add(c.id);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const keys = new Map<number, number[]>([...ids].map((id) => [id, []]));
    const queried = [...new Set(suspects.flatMap(([, fp]) => Array.from(bandKeys(fp.index))))];
    for (const r of (await c.query<{ k: number; ids: number[] }>("SELECT band_key AS k, model_ids AS ids FROM index_lists WHERE band_key = ANY($1::int[])", [queried])).rows) {
      for (const id of r.ids) keys.get(id)?.push(r.k);
    }
    for (const id of ids) {
      const fp = modelOf(id, keys.get(id) ?? []);
      const parts = encodeFingerprint(fp);
      await c.query("UPDATE models SET summary_json = $2, part_count = $3 WHERE id = $1", [id, JSON.stringify(fp.summary), parts.size]);
      await c.query("DELETE FROM fingerprint_parts WHERE model_id = $1", [id]);
      for (const [p, bytes] of parts) await c.query("INSERT INTO fingerprint_parts (model_id, part, bytes) VALUES ($1, $2, $3)", [id, p, Buffer.from(bytes)]);
    }
  } finally {
    await c.end();
  }
  return ids.size + 1;
}

async function pgPostings(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return Number(((await c.query("SELECT sum(cardinality(model_ids))::int8 AS n FROM index_lists")).rows[0] as { n: string }).n);
  } finally {
    await c.end();
  }
}

async function pgRun(admin: pg.Client, base: string, n: number): Promise<void> {
  const built = await pgBuild(admin, base, n);
  const b = await openBackend(built.url);
  try {
    if (!(await b.get("planted-7B"))) await b.register(planted, { name: "planted-7B", owner: "bench", tier: "closed", license: "other" });
    const partsFor = await pgParts(built.url, b);
    const postings = await pgPostings(built.url);
    const bytes = Number(((await admin.query("SELECT pg_database_size($1) AS b", [built.name])).rows[0] as { b: string }).b);
    const cand: number[] = [];
    const scans: Array<{ ms: number; r: ScanResult }> = [];
    for (const [, fp] of suspects) {
      cand.push((await bestAsync(3, () => b.candidates(fp.index, MAX_CANDIDATES))).ms);
      const s = await bestAsync(3, async () => {
        const { result, ws } = await scanOnBackend(b, fp, [], DEFAULT_CANDIDATES, (set) => scanFingerprint(set.db, fp, DECLARED, null, { registered: set.registered }));
        ws.close();
        return result;
      });
      scans.push({ ms: s.ms, r: s.out });
    }
    line("postgres", n + 1, built.buildS, bytes, postings, partsFor, cand, scans);
  } finally {
    await b.close();
    if (!keep) await admin.query(`DROP DATABASE IF EXISTS ${built.name} WITH (FORCE)`);
  }
}

// ---- SQLite

function sqliteBuild(file: string, n: number): { db: Registry; buildS: number; postings: number } {
  const t = performance.now();
  const db = openRegistry(file);
  db.pragma("synchronous = OFF");
  const model = db.prepare(`INSERT INTO models (id, name, owner, tier, license, registered_at, fingerprint_version, summary_json, part_count, posting_count)
    VALUES (?, ?, 'bench', 'open', 'apache-2.0', '2026-01-01T00:00:00Z', 1, ?, 1, 1632)`);
  db.transaction(() => {
    for (let i = 1; i <= n; i++) model.run(i, `synthetic-${i}`, SUMMARY);
  })();
  const rng = new Rng(n);
  const ROWS = 500;
  const many = db.prepare(`INSERT INTO index_postings (band_key, model_id) VALUES ${Array.from({ length: ROWS }, () => "(?, ?)").join(", ")}`);
  const one = db.prepare("INSERT INTO index_postings (band_key, model_id) VALUES (?, ?)");
  const buf: number[] = [];
  let postings = 0;
  const flush = (all: boolean) => {
    while (buf.length >= 2 * ROWS) many.run(...buf.splice(0, 2 * ROWS));
    if (all) while (buf.length > 0) one.run(...buf.splice(0, 2));
  };
  db.transaction(() => {
    for (let kind = 0; kind < 3; kind++) {
      const lambda = (n * (CODES[kind] as number)) / BAND_SPACE;
      for (let band = 0; band < 3; band++) {
        for (let v = 1; v < BAND_SPACE; v++) {
          const len = Math.max(0, Math.round(lambda + Math.sqrt(lambda) * rng.normal()));
          if (len === 0) continue;
          const ids = [...new Set(Array.from({ length: len }, () => 1 + rng.int(n)))].sort((a, b) => a - b);
          const k = ((kind * 3 + band) << 20) | v;
          for (const id of ids) buf.push(k, id);
          postings += ids.length;
          flush(false);
        }
      }
    }
    flush(true);
  })();
  return { db, buildS: (performance.now() - t) / 1000, postings };
}

function sqliteRun(dir: string, n: number): void {
  const file = join(dir, `hub-${n}.db`);
  rmSync(file, { force: true });
  const { db, buildS, postings } = sqliteBuild(file, n);
  try {
    const stored = planted;
    db.transaction(() => {
      const parts = encodeFingerprint(stored);
      const id = Number(db.prepare(`INSERT INTO models (name, owner, tier, license, registered_at, fingerprint_version, summary_json, part_count, posting_count)
        VALUES ('planted-7B', 'bench', 'closed', 'other', '2026-01-01T00:00:00Z', 1, ?, ?, 0)`).run(JSON.stringify(stored.summary), parts.size).lastInsertRowid);
      for (const [p, bytes] of parts) db.prepare("INSERT INTO fingerprint_parts (model_id, part, bytes) VALUES (?, ?, ?)").run(id, p, bytes);
      for (const k of bandKeys(stored.index)) db.prepare("INSERT INTO index_postings (band_key, model_id) VALUES (?, ?)").run(k, id);
    })();
    const ids = new Set<number>();
    for (const [, fp] of suspects) for (const c of candidates(db, fp.index, MAX_CANDIDATES)) if (c.name.startsWith("synthetic-")) ids.add(c.id);
    const keys = new Map<number, number[]>([...ids].map((id) => [id, []]));
    const posted = db.prepare("SELECT model_id FROM index_postings WHERE band_key = ?").pluck();
    for (const k of new Set(suspects.flatMap(([, fp]) => Array.from(bandKeys(fp.index))))) for (const id of posted.all(k) as number[]) keys.get(id)?.push(k);
    db.transaction(() => {
      for (const id of ids) {
        const fp = modelOf(id, keys.get(id) ?? []);
        const parts = encodeFingerprint(fp);
        db.prepare("UPDATE models SET summary_json = ?, part_count = ? WHERE id = ?").run(JSON.stringify(fp.summary), parts.size, id);
        for (const [p, bytes] of parts) db.prepare("INSERT OR IGNORE INTO fingerprint_parts (model_id, part, bytes) VALUES (?, ?, ?)").run(id, p, bytes);
      }
    })();
    db.pragma("wal_checkpoint(TRUNCATE)");
    const cand: number[] = [];
    const scans: Array<{ ms: number; r: ScanResult }> = [];
    for (const [, fp] of suspects) {
      cand.push(best(3, () => candidates(db, fp.index, MAX_CANDIDATES)).ms);
      const s = best(3, () => scanFingerprint(db, fp, DECLARED, null));
      scans.push({ ms: s.ms, r: s.out });
    }
    line("sqlite", n + 1, buildS, statSync(file).size, postings, ids.size + 1, cand, scans);
  } finally {
    db.close();
    if (!keep) rmSync(file, { force: true });
  }
}

// ---- main

console.log("hub benchmark: N independent models' index entries (random codes, ~1,630 band keys a model), 7B-shaped fingerprint parts for the compared models; a fine-tune of the planted model and an unrelated model scanned by fingerprint");
const dir = join(tmpdir(), "pedigree-bench-hub");
mkdirSync(dir, { recursive: true });
for (const n of SQLITE_SIZES) sqliteRun(dir, n);
if (PG_SIZES.length > 0) {
  let cluster: { url: string; stop(): void } | undefined;
  let base = process.env.PEDIGREE_TEST_PG;
  if (!base) {
    const bin = postgresBin();
    if (!bin) throw new Error("bench:hub needs Postgres: set PEDIGREE_TEST_PG, or install Postgres");
    cluster = await startCluster(bin);
    base = cluster.url;
  }
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    const v = (await admin.query("SHOW server_version")).rows[0] as { server_version: string };
    console.log(`Postgres ${v.server_version} at ${base}`);
    for (const n of PG_SIZES) await pgRun(admin, base, n);
  } finally {
    await admin.end();
    cluster?.stop();
  }
}
if (!keep) rmSync(dir, { recursive: true, force: true });
