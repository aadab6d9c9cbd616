/**
 * Indexing a hub by range requests, at one process: a mock hub on 127.0.0.1 serves every dev-family
 * model (../shared/dev-families) and a few synthesized 7B-shaped models (llama-7B header: width 4096,
 * ffn 11008, vocabulary 32000, F16; `--layers` of its 32 blocks; data made from the offset, never
 * stored); each is listed through /api/models and fingerprinted with fingerprintRemote. Per model:
 * the size of the files the fingerprint read from, bytes fetched (HTTP bodies, API JSON included),
 * requests, seconds; then models per minute. `--faults` adds a 429 every 20th request and drops 5 %
 * of file bodies halfway.
 *
 * Run: npm run bench:hub-index [-- --virtual 2] [--layers 4] [--faults] [--only A,B] [--json]
 */
import { parseArgs } from "node:util";
import { fingerprintRemote } from "../src/hub/fingerprint-remote.js";
import { listHubModels } from "../src/hub/list-models.js";
import { startMockHub } from "../src/test-support/mock-hub.js";
import { sharedPath } from "../src/test-support/shared.js";

const { values: args } = parseArgs({
  options: {
    virtual: { type: "string", default: "2" },
    layers: { type: "string", default: "4" },
    faults: { type: "boolean", default: false },
    only: { type: "string" },
    json: { type: "boolean", default: false },
  },
});

const virtual = Array.from({ length: Number(args.virtual) }, (_, i) => ({ id: `llama-7b-shape-${i + 1}`, layers: Number(args.layers), seed: 100 + i }));
const hub = await startMockHub({
  root: sharedPath("dev-families"),
  ...(args.only ? { only: args.only.split(",") } : {}),
  virtual,
  ...(args.faults ? { faults: { every429: 20, retryAfter: 0, dropRate: 0.05 } } : {}),
});

interface Row {
  id: string;
  format: string;
  fileBytes: number;
  fetched: number;
  served: number;
  requests: number;
  seconds: number;
}
const rows: Row[] = [];
const MB = (n: number) => (n / 1e6).toFixed(2).padStart(9);
const started = performance.now();
try {
  if (!args.json) console.log(`${"model".padEnd(18)} ${"format".padEnd(12)} ${"file MB".padStart(9)} ${"fetched MB".padStart(10)} ${"ratio".padStart(6)} ${"requests".padStart(8)} ${"s".padStart(6)}`);
  for await (const m of listHubModels(hub.url, { limit: 10 })) {
    const t0 = performance.now();
    const r = await fingerprintRemote(hub.url, m);
    const row = {
      id: m.id, format: r.fingerprint.summary.format, fileBytes: r.fileBytes, fetched: r.bytesFetched, served: hub.bytesServed.get(m.id) ?? 0,
      requests: r.requests, seconds: (performance.now() - t0) / 1000,
    };
    rows.push(row);
    if (!args.json) {
      console.log(`${row.id.padEnd(18)} ${row.format.padEnd(12)} ${MB(row.fileBytes)} ${MB(row.fetched).padStart(10)} ${((100 * row.fetched) / row.fileBytes).toFixed(0).padStart(5)}% ${String(row.requests).padStart(8)} ${row.seconds.toFixed(2).padStart(6)}`);
    }
  }
} finally {
  await hub.close();
}
const seconds = (performance.now() - started) / 1000;
const sum = (f: (r: Row) => number, set = rows) => set.reduce((s, r) => s + f(r), 0);
const dev = rows.filter((r) => !r.id.startsWith("llama-7b-shape"));
const big = rows.filter((r) => r.id.startsWith("llama-7b-shape"));
const total = {
  peakRssMb: process.resourceUsage().maxRSS / 1024,
  models: rows.length, seconds, modelsPerMinute: (60 * rows.length) / seconds,
  dev: { models: dev.length, fileBytes: sum((r) => r.fileBytes, dev), fetched: sum((r) => r.fetched, dev), seconds: sum((r) => r.seconds, dev), modelsPerMinute: (60 * dev.length) / Math.max(1e-9, sum((r) => r.seconds, dev)) },
  sevenB: { models: big.length, layers: Number(args.layers), fileBytes: sum((r) => r.fileBytes, big), fetched: sum((r) => r.fetched, big), seconds: sum((r) => r.seconds, big) },
};
if (args.json) console.log(JSON.stringify({ schema: "pedigree.bench-hub-index/1", faults: args.faults, rows, total }, null, 1));
else {
  console.log(`\n${rows.length} models in ${seconds.toFixed(1)} s at 1 process: ${total.modelsPerMinute.toFixed(1)} models/min (peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB, mock hub included)`);
  console.log(`dev families: ${dev.length} models, fetched ${MB(total.dev.fetched).trim()} of ${MB(total.dev.fileBytes).trim()} MB (${((100 * total.dev.fetched) / total.dev.fileBytes).toFixed(0)} %), ${total.dev.modelsPerMinute.toFixed(1)} models/min`);
  if (big.length) console.log(`7B-shaped (${args.layers} of 32 layers): ${big.length} models, fetched ${MB(total.sevenB.fetched).trim()} of ${MB(total.sevenB.fileBytes).trim()} MB (${((100 * total.sevenB.fetched) / total.sevenB.fileBytes).toFixed(0)} %), ${(total.sevenB.seconds / big.length).toFixed(1)} s each`);
}
