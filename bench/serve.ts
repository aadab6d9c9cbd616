/**
 * `npm run bench:serve`: N concurrent clients (1, 4, 16) scanning dev-family models through
 * `pedigree serve` on loopback for a bounded time each: scans/minute, p50/p99 latency (submit to
 * the job's end, followed over its SSE stream), errors (goal: zero), peak RSS of the server process
 * (its job workers are threads of it). Then a client that disconnects mid-upload: nothing may stay
 * in the upload folder. Options: --seconds S per level (default 30), --workers W (default 2),
 * --levels 1,4,16.
 */
import { readdirSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { register } from "../src/api/register.js";
import { startServer } from "../src/server/start.js";
import { devPath } from "../src/test-support/dev-truth.js";
import { tempDir } from "../src/test-support/tmp.js";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] as string) : fallback;
};
const SECONDS = Number(arg("seconds", "30"));
const WORKERS = Number(arg("workers", "2"));
const LEVELS = arg("levels", "1,4,16").split(",").map(Number);
const SUSPECTS = ["A-ft", "A-q8", "B-ft", "C-partial", "D-q4k", "A-perm", "B-rot", "G"];

const dir = tempDir("pedigree-bench-serve-");
const registry = join(dir, "lab.db");
for (const [name, tier] of [["A", "closed"], ["B", "gated"], ["C", "open"], ["D", "open"]] as const) {
  await register({ model: devPath(name), registry, meta: { name, owner: `Lab ${name}`, tier, license: "other", ...(tier === "gated" ? { recipients: [] } : {}) } });
}
const uploadDir = join(dir, "uploads");
const s = await startServer({ registry, port: 0, roots: [devPath("")], workers: WORKERS, uploadDir, maxJobsPerToken: 4, rateLimit: 100_000 });
const admin = s.adminToken as string;

async function call(token: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(`${s.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

async function scanOnce(token: string, path: string): Promise<boolean> {
  const sub = await call(token, "POST", "/api/scans", { path });
  if (sub.status !== 202) return false;
  const r = await fetch(`${s.url}/api/jobs/${String(sub.json.id)}/events`, { headers: { authorization: `Bearer ${token}` } });
  const text = await r.text();
  return /^event: done$/m.test(text);
}

const q = (xs: number[], p: number) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN;
console.log(`pedigree serve on ${s.url}: ${WORKERS} job workers, ${SECONDS} s per level, registry of 4 dev-family bases`);
console.log("clients  scans  scans/min  p50 s  p99 s  errors  peak RSS MB");
for (const n of LEVELS) {
  const tokens = await Promise.all(Array.from({ length: n }, async () => (await call(admin, "POST", "/api/tokens", { role: "analyst" })).json.secret as string));
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(tokens.map(async (token, c) => {
    for (let i = c; performance.now() < end; i++) {
      const t = performance.now();
      const ok = await scanOnce(token, SUSPECTS[i % SUSPECTS.length] as string).catch(() => false);
      if (ok) latencies.push((performance.now() - t) / 1000);
      else errors++;
    }
  }));
  const wall = (performance.now() - t0) / 1000;
  const rss = process.resourceUsage().maxRSS / 1024;
  console.log(`${String(n).padStart(7)}  ${String(latencies.length).padStart(5)}  ${(latencies.length / (wall / 60)).toFixed(1).padStart(9)}  ${q(latencies, 0.5).toFixed(2).padStart(5)}  ${q(latencies, 0.99).toFixed(2).padStart(5)}  ${String(errors).padStart(6)}  ${rss.toFixed(0).padStart(11)}`);
}

// a client that goes away mid-upload
const publicToken = (await call(admin, "POST", "/api/tokens", { role: "public" })).json.secret as string;
const gguf = readFileSync(join(devPath("A-q8"), "A-q8.gguf"));
await new Promise<void>((done) => {
  const url = new URL("/api/scans?filename=A-q8.gguf", s.url);
  const req = request(url, { method: "POST", headers: { authorization: `Bearer ${publicToken}`, "content-type": "application/octet-stream", "content-length": String(gguf.length) } });
  req.on("error", () => done());
  req.write(gguf.subarray(0, gguf.length >> 1), () => setTimeout(() => {
    req.destroy();
    setTimeout(done, 1000);
  }, 300));
});
const left = readdirSync(uploadDir);
console.log(`disconnect mid-upload: ${left.length === 0 ? "nothing left behind" : `LEFT BEHIND: ${left.join(", ")}`}`);
await s.close();
if (left.length) process.exitCode = 1;
