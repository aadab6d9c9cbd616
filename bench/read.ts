/**
 * Read speed and memory of pedigree's streaming readers, end to end: generates a ~2 GB BF16 safetensors
 * file and a ~1 GB Q4_K GGUF (rows of 4096 values, N(0, 0.02)), then for each file measures
 *   - the ceiling: `cat file > /dev/null` from the page cache (best of --passes, after a warm-up read);
 *   - pedigree, one thread: open, parse the header, readRows over every tensor in bounded chunks
 *     (dequantizing every value to float32), in a fresh process;
 *   - pedigree, two worker threads: each opens the file and reads every other tensor (aggregate MB/s);
 *   - peak RSS (ru_maxrss) of the process doing the reading, against the 300 MB budget.
 * MB/s count INPUT bytes (tensor bytes in the file), MB = 10^6 bytes. Each pedigree figure is the best
 * of --passes passes over the whole file.
 *
 * Run: npm run bench:read [-- --bf16-gb 2] [--q4k-gb 1] [--passes 3] [--keep] [--dir DIR] [--json] [--exact-q4k]
 *   --dir DIR     generate into DIR (kept), or reuse the files already there
 *   --keep        keep the temporary directory
 *   --exact-q4k   quantize every Q4_K value with pedigree's GGUF writer (~10 minutes per GB) instead of
 *                 tiling a few MB of quantized blocks with varied scales
 *   --chunk-values N   float32 values per readRows call (default 262144)
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { Worker } from "node:worker_threads";
import { quantizeTile, writeBf16Safetensors, writeQ4kGgufExact, writeQ4kGgufTiled } from "./lib/read-files.js";
import { DEFAULT_CHUNK_VALUES, readPass, sampleStd, type PassResult } from "./lib/read-pass.js";
import { startReadWorker, type FromWorker, type ToWorker } from "./lib/read-worker.js";

const RSS_BUDGET_MB = 300;
const TARGET_MBPS: Record<string, number> = { BF16: 1000, Q4_K: 400 };
const kbToMb = (kb: number) => (kb * 1024) / 1e6;

const { values: opts } = parseArgs({
  options: {
    "bf16-gb": { type: "string", default: "2" },
    "q4k-gb": { type: "string", default: "1" },
    passes: { type: "string", default: "3" },
    "chunk-values": { type: "string", default: String(DEFAULT_CHUNK_VALUES) },
    keep: { type: "boolean", default: false },
    dir: { type: "string" },
    json: { type: "boolean", default: false },
    "exact-q4k": { type: "boolean", default: false },
    // internal: run one measurement in this (fresh) process and print it as JSON
    measure: { type: "string" },
    threads: { type: "string", default: "1" },
  },
});
const passes = Math.max(1, Number(opts.passes));
const chunkValues = Math.max(1, Number(opts["chunk-values"]));

interface Measurement {
  threads: number;
  /** Best pass: wall seconds, from opening the file to the last value. */
  seconds: number;
  passSeconds: number[];
  bytes: number;
  values: number;
  mbps: number;
  /** ru_maxrss of the measuring process (all its threads), MB; and the same once set up, before reading. */
  peakRssMb: number;
  baseRssMb: number;
  /** CPU seconds of the whole process in the best pass, over wall seconds x threads: below 1 when other work held the cores. */
  cpuShare: number;
  sampleStd: number;
  workers?: { tensors: number; bytes: number; seconds: number; mbps: number; maxRssMb: number; heapMb: number; externalMb: number }[];
}

// ---------------------------------------------------------------- measuring process

function measureOneThread(path: string): Measurement {
  const baseRssMb = kbToMb(process.resourceUsage().maxRSS);
  const runs: PassResult[] = [];
  for (let p = 0; p < passes; p++) runs.push(readPass(path, 0, 1, chunkValues));
  const best = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  return {
    threads: 1,
    seconds: best.seconds,
    passSeconds: runs.map((r) => r.seconds),
    bytes: best.bytes,
    values: best.values,
    mbps: best.bytes / 1e6 / best.seconds,
    peakRssMb: kbToMb(process.resourceUsage().maxRSS),
    baseRssMb,
    cpuShare: best.cpuSeconds / best.seconds,
    sampleStd: sampleStd(best),
  };
}

async function measureThreads(path: string, threads: number): Promise<Measurement> {
  const workers: Worker[] = [];
  const pending = new Map<Worker, (m: FromWorker) => void>();
  const next = (w: Worker) => new Promise<FromWorker>((resolve) => pending.set(w, resolve));
  for (let i = 0; i < threads; i++) {
    const w = startReadWorker({ path, part: i, parts: threads, chunkValues });
    w.on("message", (m: FromWorker) => {
      const r = pending.get(w);
      pending.delete(w);
      r?.(m);
    });
    w.on("error", (e) => {
      console.error(`worker ${i}: ${e.message}`);
      process.exit(1);
    });
    workers.push(w);
  }
  await Promise.all(workers.map(next)); // "ready": modules loaded, nothing read yet
  const baseRssMb = kbToMb(process.resourceUsage().maxRSS);
  let best: { seconds: number; cpuSeconds: number; replies: Extract<FromWorker, { type: "done" }>[] } | undefined;
  const passSeconds: number[] = [];
  for (let p = 0; p < passes; p++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const replies = workers.map(next);
    for (const w of workers) w.postMessage({ type: "go" } satisfies ToWorker);
    const done = await Promise.all(replies);
    const seconds = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    passSeconds.push(seconds);
    const ok = done.map((m) => {
      if (m.type !== "done") throw new Error(m.type === "failed" ? m.message : "worker protocol");
      return m;
    });
    if (!best || seconds < best.seconds) best = { seconds, cpuSeconds: (c.user + c.system) / 1e6, replies: ok };
  }
  for (const w of workers) w.postMessage({ type: "exit" } satisfies ToWorker);
  await Promise.all(workers.map((w) => new Promise((r) => w.once("exit", r))));
  const b = best as NonNullable<typeof best>;
  const bytes = b.replies.reduce((a, m) => a + m.result.bytes, 0);
  const sample = { sampleSum: 0, sampleSq: 0, sampleN: 0 };
  for (const m of b.replies) {
    sample.sampleSum += m.result.sampleSum;
    sample.sampleSq += m.result.sampleSq;
    sample.sampleN += m.result.sampleN;
  }
  return {
    threads,
    seconds: b.seconds,
    passSeconds,
    bytes,
    values: b.replies.reduce((a, m) => a + m.result.values, 0),
    mbps: bytes / 1e6 / b.seconds,
    peakRssMb: kbToMb(process.resourceUsage().maxRSS),
    baseRssMb,
    cpuShare: b.cpuSeconds / (b.seconds * threads),
    sampleStd: sampleStd(sample),
    workers: b.replies.map((m) => ({
      tensors: m.result.tensors,
      bytes: m.result.bytes,
      seconds: m.result.seconds,
      mbps: m.result.bytes / 1e6 / m.result.seconds,
      maxRssMb: kbToMb(m.maxRssKb),
      heapMb: m.heapMb,
      externalMb: m.externalMb,
    })),
  };
}

// ---------------------------------------------------------------- driver

const log = (s: string) => process.stderr.write(`${s}\n`);
const fmt = (x: number, digits = 0) => (Number.isFinite(x) ? x.toFixed(digits) : "-");

/** Run one measurement in a fresh process, so its peak RSS is the reader's alone. */
function measureInChild(path: string, threads: number): Measurement {
  const self = fileURLToPath(import.meta.url);
  const args = [...process.execArgv, self, "--measure", path, "--threads", String(threads), "--passes", String(passes), "--chunk-values", String(chunkValues)];
  const r = spawnSync(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8", maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`measuring ${path} with ${threads} thread(s) failed (exit ${r.status ?? r.signal})`);
  return JSON.parse(r.stdout) as Measurement;
}

/** MB/s of `cat file > /dev/null`: one warm-up read (page cache), then the best of `passes`. */
function catSpeed(path: string): { mbps: number; passSeconds: number[] } {
  const run = () => {
    const t0 = performance.now();
    execFileSync("sh", ["-c", 'cat "$1" > /dev/null', "sh", path], { stdio: "ignore" });
    return (performance.now() - t0) / 1000;
  };
  run();
  const passSeconds: number[] = [];
  for (let p = 0; p < passes; p++) passSeconds.push(run());
  return { mbps: statSync(path).size / 1e6 / Math.min(...passSeconds), passSeconds };
}

function timed<T>(what: string, f: () => T): { value: T; seconds: number } {
  log(`${what} ...`);
  const t0 = performance.now();
  const value = f();
  const seconds = (performance.now() - t0) / 1000;
  log(`${what}: ${seconds.toFixed(1)} s`);
  return { value, seconds };
}

async function driver(): Promise<void> {
  const bf16Bytes = Math.round(Number(opts["bf16-gb"]) * 1e9);
  const q4kBytes = Math.round(Number(opts["q4k-gb"]) * 1e9);
  const keep = opts.keep || opts.dir !== undefined;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "pedigree-bench-read-"));
  mkdirSync(dir, { recursive: true });
  const load = () => loadavg().map((x) => x.toFixed(2)).join(" ");
  const machine = { cpus: cpus().length, cpu: cpus()[0]?.model ?? "?", node: process.version, loadavgAtStart: load(), loadavgAtEnd: "" };
  log(`pedigree read benchmark: ${machine.cpus} x ${machine.cpu}, node ${machine.node}, load average ${machine.loadavgAtStart}; files in ${dir}`);

  try {
    const generation: Record<string, unknown> = {};
    const bf16Path = join(dir, `bf16-${opts["bf16-gb"]}gb.safetensors`);
    const q4kPath = join(dir, `q4k-${opts["q4k-gb"]}gb${opts["exact-q4k"] ? "-exact" : ""}.gguf`);
    if (existsSync(bf16Path)) log(`reusing ${bf16Path}`);
    else generation.bf16Seconds = timed(`writing ${bf16Path} (pedigree's safetensors writer)`, () => writeBf16Safetensors(bf16Path, bf16Bytes)).seconds;

    // Always measure the JS Q4_K quantizer (ggml's reference algorithm) on a 2.4 MB tile.
    const q = timed("quantizing a 16384-block Q4_K tile with ggml's reference quantizer", () => quantizeTile(16384)).value;
    const projected = q4kBytes / 1e6 / q.mbps;
    generation.q4kQuantize = { mbpsOfOutput: q.mbps, valuesPerSecond: q.valuesPerSecond, projectedSecondsForFile: projected };
    log(`Q4_K quantize: ${q.mbps.toFixed(2)} MB/s of output (${(q.valuesPerSecond / 1e6).toFixed(2)} M values/s): ${(projected / 60).toFixed(1)} min for the whole file on one core`);
    if (existsSync(q4kPath)) log(`reusing ${q4kPath}`);
    else if (opts["exact-q4k"]) generation.q4kSeconds = timed(`writing ${q4kPath} (every value quantized by pedigree's GGUF writer)`, () => writeQ4kGgufExact(q4kPath, q4kBytes)).seconds;
    else {
      generation.q4kMethod = "2.4 MB of quantized blocks tiled, d/dmin scaled per block by 2^u, u in [-0.5, 0.5)";
      generation.q4kSeconds = timed(`writing ${q4kPath} (tiled Q4_K blocks, varied scales)`, () => writeQ4kGgufTiled(q4kPath, q4kBytes, q.tile)).seconds;
    }

    const files = [
      { file: bf16Path, dtype: "BF16" },
      { file: q4kPath, dtype: "Q4_K" },
    ];
    const results = [];
    for (const f of files) {
      const size = statSync(f.file).size;
      const cat = catSpeed(f.file);
      log(`${f.file}: cat ${fmt(cat.mbps)} MB/s`);
      const one = measureInChild(f.file, 1);
      log(`${f.file}: 1 thread ${fmt(one.mbps)} MB/s (passes ${one.passSeconds.map((s) => s.toFixed(2)).join(", ")} s), peak RSS ${fmt(one.peakRssMb)} MB, value std ${one.sampleStd.toFixed(4)}`);
      const two = measureInChild(f.file, 2);
      log(`${f.file}: 2 threads ${fmt(two.mbps)} MB/s (passes ${two.passSeconds.map((s) => s.toFixed(2)).join(", ")} s), peak RSS ${fmt(two.peakRssMb)} MB, value std ${two.sampleStd.toFixed(4)}`);
      results.push({ ...f, size, catMbps: cat.mbps, catPassSeconds: cat.passSeconds, oneThread: one, twoThreads: two });
    }
    machine.loadavgAtEnd = load();

    const targets: { target: string; measured: string; pass: boolean; value: number; limit: number }[] = [];
    for (const r of results) {
      const t = TARGET_MBPS[r.dtype] as number;
      targets.push({ target: `${r.dtype} 1 thread >= ${t} MB/s per core`, measured: `${fmt(r.oneThread.mbps)} MB/s`, pass: r.oneThread.mbps >= t, value: r.oneThread.mbps, limit: t });
      const perCore = r.twoThreads.mbps / 2;
      targets.push({ target: `${r.dtype} 2 threads >= ${t} MB/s per core`, measured: `${fmt(perCore)} MB/s per core`, pass: perCore >= t, value: perCore, limit: t });
    }
    const peak = Math.max(...results.flatMap((r) => [r.oneThread.peakRssMb, r.twoThreads.peakRssMb]));
    targets.push({ target: `peak RSS <= ${RSS_BUDGET_MB} MB (every run)`, measured: `${fmt(peak)} MB max`, pass: peak <= RSS_BUDGET_MB, value: peak, limit: RSS_BUDGET_MB });

    const report = { machine, passes, chunkValues, generation, files: results, targets, driverPeakRssMb: kbToMb(process.resourceUsage().maxRSS) };
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return;
    }
    const rows: string[][] = [["file", "size", "cat MB/s", "1-thread MB/s", "2-thread MB/s", "peak RSS 1t / 2t"]];
    for (const r of results) {
      rows.push([
        `${r.dtype} ${r.file.slice(dir.length + 1)}`,
        `${fmt(r.size / 1e6)} MB`,
        fmt(r.catMbps),
        fmt(r.oneThread.mbps),
        `${fmt(r.twoThreads.mbps)} (${fmt(r.twoThreads.mbps / 2)}/core)`,
        `${fmt(r.oneThread.peakRssMb)} / ${fmt(r.twoThreads.peakRssMb)} MB`,
      ]);
    }
    const widths = (rows[0] as string[]).map((_, c) => Math.max(...rows.map((row) => (row[c] as string).length)));
    const line = (row: string[]) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number))).join("  ");
    const out: string[] = [];
    out.push(`pedigree read benchmark: ${machine.cpus} x ${machine.cpu}, node ${machine.node}, best of ${passes} passes, ${chunkValues} values per readRows call`);
    out.push(`load average at start ${machine.loadavgAtStart}, at end ${machine.loadavgAtEnd}`);
    out.push("");
    out.push(line(rows[0] as string[]));
    for (const row of rows.slice(1)) out.push(line(row));
    out.push("");
    const tw = Math.max(...targets.map((t) => t.target.length));
    const mw = Math.max(...targets.map((t) => t.measured.length));
    for (const t of targets) out.push(`${t.target.padEnd(tw)}  ${t.measured.padStart(mw)}  ${t.pass ? "PASS" : "MISS"}`);
    out.push("");
    for (const r of results) {
      const one = r.oneThread;
      const two = r.twoThreads;
      out.push(`${r.dtype}: sampled value std ${one.sampleStd.toFixed(4)} (generated 0.02); RSS before reading ${fmt(one.baseRssMb)} / ${fmt(two.baseRssMb)} MB`);
      out.push(`  CPU share of the best pass ${one.cpuShare.toFixed(2)} / ${two.cpuShare.toFixed(2)}; per CPU-second: ${fmt(one.mbps / one.cpuShare)} / ${fmt(two.mbps / 2 / two.cpuShare)} MB/s per core`);
      (two.workers ?? []).forEach((x, i) => out.push(`  2 threads, worker ${i}: ${x.tensors} tensors, ${fmt(x.bytes / 1e6)} MB in ${x.seconds.toFixed(2)} s (${fmt(x.mbps)} MB/s), V8 heap ${fmt(x.heapMb)} MB`));
    }
    out.push(`Q4_K quantizer (JS, ggml reference): ${q.mbps.toFixed(2)} MB/s of output, ${(projected / 60).toFixed(1)} min per file on one core${opts["exact-q4k"] ? "" : "; file built from tiled blocks with varied scales"}`);
    out.push("MB/s count tensor bytes in the file (MB = 10^6 B); each pedigree run is a fresh process; RSS is its ru_maxrss (workers are threads of it, so they share it);");
    out.push(`CPU share (process CPU time / wall x threads) below 1 means other processes held the cores. The driver that generated the files peaked at ${fmt(report.driverPeakRssMb)} MB RSS.`);
    process.stdout.write(`${out.join("\n")}\n`);
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
    else log(`files kept in ${dir}`);
  }
}

if (opts.measure !== undefined) {
  const threads = Math.max(1, Number(opts.threads));
  const m = threads === 1 ? measureOneThread(opts.measure) : await measureThreads(opts.measure, threads);
  process.stdout.write(JSON.stringify(m));
} else {
  await driver();
}
