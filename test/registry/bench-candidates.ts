/**
 * Candidate-search benchmark at scale (not part of the test suite; run by hand):
 *   node --import tsx test/registry/bench-candidates.ts [registry.db] [models=10000]
 * Builds (once) a registry of synthetic models with 400-4000 random 64-bit index codes each (half
 * descriptor, half coordinate codes; uniform, so every band value is equally common) and ~100 KB of fingerprint blobs each, plants one model that
 * shares half its codes with each query, then times opening (with quick_check), candidates() for
 * queries of 400, 2000 and 4000 codes, get/list, and register/remove of one model.
 */
import { existsSync } from "node:fs";
import { bandKeys } from "../../src/registry/band-keys.js";
import { openRegistry, type Registry } from "../../src/registry/open.js";
import { candidates, deleteModel, insertModel } from "../../src/registry/store.js";
import { encodeFingerprint } from "../../src/fingerprint/codec.js";
import { BAND_BITS } from "../../src/fingerprint/index-key.js";
import type { Fingerprint, IndexKey } from "../../src/fingerprint/types.js";

const path = process.argv[2] ?? "/tmp/pedigree-bench-registry.db";
const MODELS = Number(process.argv[3] ?? 10_000);
const PART_BYTES = [23_000, 13_000, 13_000, 13_000, 13_000, 13_000, 13_000];

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

function randomKey(seed: number, n: number): IndexKey {
  const r = rng(seed);
  const codes = new Uint32Array(2 * n);
  const kinds = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    codes[2 * i] = r();
    codes[2 * i + 1] = r();
    kinds[i] = i % 2;
  }
  return { codes, kinds, layers: new Uint16Array(n) };
}

/** A real (tiny) fingerprint around an index key, so removal finds its postings by key. */
function fake(index: IndexKey) {
  const summary = { path: "-", format: "synthetic", architecture: "none", params: {} as never, parameters: 0, dtypes: {}, quantized: null, declared: { baseModels: [], problems: [] }, tokenizer: null, files: [], modelBytes: 0 };
  const fp: Fingerprint = { version: 1, summary, dim: 0, space: "rows", coords: new Int32Array(0), anchors: { texts: [], embed: null }, layers: [], index };
  return { parts: encodeFingerprint(fp), version: 1, summary, index };
}

const codeCount = (m: number) => 400 + (rng(m * 7919 + 1)() % 3601);

function build(db: Registry): void {
  console.log(`building ${MODELS} models ...`);
  const t0 = performance.now();
  // postings bucketed by key, so they go into the b-tree in order
  const KEYS = 16 << BAND_BITS; // above every band key of kinds 0-2 (index-key.ts)
  const counts = new Uint32Array(KEYS + 1);
  const keysOf = (m: number) => bandKeys(randomKey(m, codeCount(m)));
  for (let m = 1; m <= MODELS; m++) for (const k of keysOf(m)) counts[k + 1]!++;
  for (let k = 0; k < KEYS; k++) counts[k + 1]! += counts[k]!;
  const total = counts[KEYS]!;
  const ids = new Int32Array(total);
  const fill = counts.slice(0, KEYS);
  for (let m = 1; m <= MODELS; m++) for (const k of keysOf(m)) ids[fill[k]!++] = m;
  console.log(`  ${total} postings generated in ${Math.round(performance.now() - t0)} ms`);

  const blob = (n: number, seed: number) => {
    const r = rng(seed);
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) new DataView(b.buffer).setUint32(i, r(), true);
    return b;
  };
  const model = db.prepare(`INSERT INTO models (id, name, owner, tier, license, registered_at, fingerprint_version, summary_json, part_count, posting_count)
    VALUES (?, ?, 'bench', 'open', 'mit', '2026-01-01T00:00:00Z', 1, '{"format":"synthetic","architecture":"none","parameters":0,"params":{"nLayers":6,"dim":128}}', ?, ?)`);
  const part = db.prepare("INSERT INTO fingerprint_parts (model_id, part, bytes) VALUES (?, ?, ?)");
  db.transaction(() => {
    for (let m = 1; m <= MODELS; m++) {
      model.run(m, `synthetic-${m}`, PART_BYTES.length, keysOf(m).length);
      PART_BYTES.forEach((n, i) => part.run(m, i === 0 ? "meta" : `layer.${i - 1}`, blob(n, m * 31 + i)));
    }
  })();
  console.log(`  models and parts in ${Math.round(performance.now() - t0)} ms`);
  const ROWS = 500;
  const many = db.prepare(`INSERT INTO index_postings (band_key, model_id) VALUES ${Array.from({ length: ROWS }, () => "(?, ?)").join(", ")}`);
  const one = db.prepare("INSERT INTO index_postings (band_key, model_id) VALUES (?, ?)");
  const args: number[] = new Array(2 * ROWS);
  db.transaction(() => {
    let k = 0;
    let i = 0;
    while (i < total) {
      if (total - i >= ROWS) {
        for (let j = 0; j < ROWS; j++, i++) {
          while (counts[k + 1]! <= i) k++;
          args[2 * j] = k;
          args[2 * j + 1] = ids[i]!;
        }
        many.run(...args);
      } else {
        while (counts[k + 1]! <= i) k++;
        one.run(k, ids[i]!);
        i++;
      }
    }
  })();
  console.log(`  built in ${Math.round(performance.now() - t0)} ms`);
}

function time<T>(label: string, fn: () => T, reps = 5): T {
  let r = fn();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    r = fn();
    ts.push(performance.now() - t);
  }
  ts.sort((a, b) => a - b);
  console.log(`${label}: median ${ts[Math.floor(reps / 2)]!.toFixed(1)} ms, max ${ts[reps - 1]!.toFixed(1)} ms`);
  return r;
}

const fresh = !existsSync(path);
let t = performance.now();
let db = openRegistry(path);
if (fresh) {
  build(db);
  db.close();
  t = performance.now();
  db = openRegistry(path);
}
console.log(`open (auto check): ${Math.round(performance.now() - t)} ms`);
db.close();
t = performance.now();
db = openRegistry(path, { check: "full" });
console.log(`open with full quick_check: ${Math.round(performance.now() - t)} ms`);
db.close();
t = performance.now();
db = openRegistry(path, { check: "none" });
console.log(`open without checks: ${Math.round(performance.now() - t)} ms`);
const postings = Number(db.prepare("SELECT count(*) FROM index_postings").pluck().get());
console.log(`${Number(db.prepare("SELECT count(*) FROM models").pluck().get())} models, ${postings} postings`);

const planted = "planted";
for (const n of [400, 2000, 4000]) {
  // a query sharing half its codes with one newly registered model
  const q = randomKey(1_000_000 + n, n);
  const half = randomKey(2_000_000 + n, n);
  half.codes.set(q.codes.subarray(0, n));
  const id = db.transaction(() => insertModel(db, fake(half), { name: planted, owner: "bench", tier: "open" }, new Date().toISOString())).immediate();
  const top = time(`candidates(${n} codes, ${bandKeys(q).length} band keys)`, () => candidates(db, q, 10));
  console.log(`  top: ${top.slice(0, 3).map((c) => `${c.name}:${c.hits}`).join(", ")}`);
  if (top[0]?.id !== id) throw new Error("planted model not found first");
  db.transaction(() => deleteModel(db, id)).immediate();
}
time("remove one model (postings by key)", () => {
  const id = db.transaction(() => insertModel(db, fake(randomKey(5, 4000)), { name: "tmp", owner: "b", tier: "open" }, "2026-01-01")).immediate();
  db.transaction(() => deleteModel(db, id)).immediate();
}, 3);
db.close();
