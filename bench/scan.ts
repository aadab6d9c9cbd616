/**
 * `npm run bench:scan`: scanning against a registry of 10,000 models (target: <= 1 s after the
 * suspect's fingerprint), and how time and the file grow. The file is printed, not judged: wide
 * fingerprints take up to 160 KB each (issue 10's budget), so 10,000 wide models take ~2 GB.
 *
 * The registry is filled with synthesized fingerprints at real sizes: the layouts pedigree gives
 * 1B, 7B, 8B, 13B and 70B-shaped llama models (residual width, depth, MLP width, vocabulary), with
 * random int8 sketches and random index codes (independent models), encoded by the real codec and
 * stored in the real schema. Models and parts go in through the store's own statements, postings
 * in key order in bulk (registering 10,000 models one by one is a day of fsyncs, not a benchmark).
 * One planted model P is registered normally; suspects are scanned by fingerprint (no weights):
 *   - a derivative of P (its sketches with 5% noise, 85% of its index codes kept),
 *   - an unrelated model of the same shape.
 * Registry size and scan time are measured at 2,500, 5,000 and 10,000 models; growth to 1,000,000
 * is extrapolated from those (printed). Options: --models N (default 10000), --dir <folder>, --keep.
 */
import { mkdirSync, rmSync, statSync } from "node:fs";
import os, { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeFingerprint } from "../src/fingerprint/codec.js";
import type { Fingerprint } from "../src/fingerprint/types.js";
import { Rng } from "../src/numeric/rng.js";
import { bandKeys } from "../src/registry/band-keys.js";
import { openRegistry, type Registry } from "../src/registry/open.js";
import { insertModel } from "../src/registry/store.js";
import { scanFingerprint } from "../src/scan/scan.js";
import { derivative, SHAPES, synthetic, type Shape } from "./synthetic.js";

const args = process.argv.slice(2);
const value = (name: string, d: string) => (args.includes(name) ? (args[args.indexOf(name) + 1] as string) : d);
const MODELS = Number(value("--models", "10000"));
const dir = value("--dir", join(tmpdir(), "pedigree-bench-scan"));
const keep = args.includes("--keep");

function fileBytes(path: string): number {
  let total = 0;
  for (const f of [path, `${path}-wal`]) {
    try {
      total += statSync(f).size;
    } catch {
      // no such file
    }
  }
  return total;
}

/** Adds synthetic models [from, to): rows and parts through the store's statements, postings in key order. */
function addSynthetic(db: Registry, from: number, to: number): void {
  const model = db.prepare(`INSERT INTO models (name, owner, tier, license, registered_at, fingerprint_version, summary_json, part_count, posting_count)
    VALUES (?, 'bench', 'open', 'apache-2.0', '2026-01-01T00:00:00Z', ?, ?, ?, ?)`);
  const part = db.prepare("INSERT INTO fingerprint_parts (model_id, part, bytes) VALUES (?, ?, ?)");
  const postings: Array<[number, number]> = [];
  db.transaction(() => {
    for (let i = from; i < to; i++) {
      const rng = new Rng(1000 + i);
      const fp = synthetic(SHAPES[i % SHAPES.length] as Shape, rng, `synthetic-${i}`);
      const parts = encodeFingerprint(fp);
      const keys = bandKeys(fp.index);
      const id = Number(model.run(`synthetic-${i}`, fp.version, JSON.stringify(fp.summary), parts.size, keys.length).lastInsertRowid);
      for (const [n, b] of parts) part.run(id, n, b);
      for (const k of keys) postings.push([k, id]);
    }
  })();
  postings.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const ROWS = 500;
  const many = db.prepare(`INSERT INTO index_postings (band_key, model_id) VALUES ${Array.from({ length: ROWS }, () => "(?, ?)").join(", ")}`);
  const one = db.prepare("INSERT INTO index_postings (band_key, model_id) VALUES (?, ?)");
  db.transaction(() => {
    let i = 0;
    for (; i + ROWS <= postings.length; i += ROWS) many.run(...postings.slice(i, i + ROWS).flat());
    for (; i < postings.length; i++) one.run(...(postings[i] as [number, number]));
  })();
}

/** Best of `reps` scans: wall time, and this process's CPU time (what the scan costs on an idle machine: it runs on one thread). */
function timeScan(db: Registry, fp: Fingerprint, reps = 3) {
  let best = Infinity;
  let bestCpu = Infinity;
  let result = scanFingerprint(db, fp, { baseModels: [], problems: [] }, null);
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    const c = process.cpuUsage();
    result = scanFingerprint(db, fp, { baseModels: [], problems: [] }, null);
    const cpu = process.cpuUsage(c);
    best = Math.min(best, performance.now() - t);
    bestCpu = Math.min(bestCpu, (cpu.user + cpu.system) / 1000);
  }
  return { ms: best, cpuMs: bestCpu, result };
}

rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const file = join(dir, "registry.db");
const db = openRegistry(file);
const shape7b = SHAPES[1] as Shape;
const planted = synthetic(shape7b, new Rng(7), "planted-7B");
insertModel(db, { parts: encodeFingerprint(planted), version: planted.version, summary: planted.summary, index: planted.index }, { name: "planted-7B", owner: "bench", tier: "closed", license: "other" }, new Date().toISOString());
const suspectDerived = derivative(planted, 0.05, 0.85, new Rng(8));
const suspectUnrelated = synthetic(shape7b, new Rng(9), "unrelated-7B");
const sizes = SHAPES.map((s) => {
  const parts = encodeFingerprint(synthetic(s, new Rng(1), "size"));
  let b = 0;
  for (const v of parts.values()) b += v.length;
  return `${s.name} ${(b / 1024).toFixed(0)} KB`;
});
console.log(`scan benchmark: fingerprints at real sizes (${sizes.join(", ")}), in ${file}`);
const stages = [0.25, 0.5, 1].map((f) => Math.round(f * MODELS));
let have = 0;
const rows: Array<{ models: number; bytes: number; buildS: number; derivedMs: number; unrelatedMs: number; derivedCpuMs: number; unrelatedCpuMs: number; found: string; p: number; unrelatedTop: string }> = [];
for (const target of stages) {
  const t = performance.now();
  addSynthetic(db, have, target);
  const buildS = (performance.now() - t) / 1000;
  have = target;
  db.pragma("wal_checkpoint(TRUNCATE)");
  const d = timeScan(db, suspectDerived);
  const u = timeScan(db, suspectUnrelated);
  const top = d.result.matches[0];
  rows.push({
    models: have + 1, bytes: fileBytes(file), buildS, derivedMs: d.ms, unrelatedMs: u.ms, derivedCpuMs: d.cpuMs, unrelatedCpuMs: u.cpuMs,
    found: top ? `${top.model.name} ${top.verdict}` : "none", p: top ? top.logP / Math.LN10 : 0,
    unrelatedTop: u.result.matches.filter((m) => m.verdict === "derived").map((m) => m.model.name).join(",") || "no derived",
  });
  const r = rows[rows.length - 1] as (typeof rows)[number];
  const fast = r.derivedMs <= 1000 && r.unrelatedMs <= 1000;
  console.log(`${String(r.models).padStart(6)} models  file ${(r.bytes / 2 ** 30).toFixed(2)} GB (${(r.bytes / r.models / 1024).toFixed(0)} KB/model)  built in ${r.buildS.toFixed(0)} s  |  scan derivative ${r.derivedMs.toFixed(0)} ms (CPU ${r.derivedCpuMs.toFixed(0)} ms) -> ${r.found}, log10 p ${r.p.toFixed(1)}  |  scan unrelated ${r.unrelatedMs.toFixed(0)} ms (CPU ${r.unrelatedCpuMs.toFixed(0)} ms) -> ${r.unrelatedTop}  | scan <= 1 s: ${fast ? "PASS" : r.derivedCpuMs <= 1000 && r.unrelatedCpuMs <= 1000 ? "PASS in CPU time (wall time over: a loaded machine)" : "MISS"}  (load ${os.loadavg()[0]?.toFixed(1)})`);
}
db.close();
const last = rows[rows.length - 1] as (typeof rows)[number];
const first = rows[0] as (typeof rows)[number];
const perModel = last.bytes / last.models;
const msPerModel = Math.max(0, (last.unrelatedMs - first.unrelatedMs) / (last.models - first.models));
console.log(`growth to 1,000,000 models: file ~${((perModel * 1e6) / 2 ** 40).toFixed(2)} TB (linear, ${(perModel / 1024).toFixed(0)} KB per model);` +
  ` scan ~${(last.unrelatedMs + msPerModel * (1e6 - last.models)).toFixed(0)} ms if the candidate search keeps growing at ${(msPerModel * 1000).toFixed(2)} ms per 1,000 models (the verdicts themselves do not grow: a fixed number of candidates)`);
if (!keep) rmSync(dir, { recursive: true, force: true });
