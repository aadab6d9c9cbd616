/**
 * @module server/start
 * `pedigree serve` as a library call: open (or create) the registry, add the server's tables,
 * make a first admin token when there is none, start the job pool and listen. Returns the URL,
 * that first token's secret (shown once) and a close() that stops listening and the workers.
 */
import { serve, type ServerType } from "@hono/node-server";
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { defaultRegistryPath, openRegistry } from "../registry/open.js";
import { buildApp, type AppOptions } from "./app.js";
import { addAlert } from "./audit.js";
import { JobPool, type Job } from "./jobs.js";
import { ensureServerTables } from "./schema.js";
import { adminCount, createToken } from "./tokens.js";

export interface ServeOptions {
  registry?: string;
  host?: string;
  /** 0: any free port. */
  port?: number;
  /** Folders whose models clients may name by path (default: none). */
  roots?: string[];
  uploadDir?: string;
  maxUploadBytes?: number;
  workers?: number;
  maxJobsPerToken?: number;
  rateLimit?: number;
}

export interface RunningServer {
  url: string;
  registry: string;
  /** The secret of the admin token made at this start (only when the registry had none). */
  adminToken?: string;
  /** Every route the server answers (method, OpenAPI-style path), for checks against /openapi.json. */
  routes: Array<{ method: string; path: string }>;
  close(): Promise<void>;
}

interface ScanMatches {
  document: { suspect: { path: string }; matches: Array<{ name: string; owner: string; tier: string; verdict: string; log10PValue: number }> };
}

/**
 * Every match of a finished scan against a gated or closed model, for its owner, with the p-value
 * of the bounded view (api/scan-views.ts): owners may not learn the registry's size either.
 */
function recordAlerts(db: AppOptions["db"], job: Job): void {
  if (job.kind !== "scan") return;
  const r = job.result as ScanMatches & { views?: { bounded: ScanMatches } };
  const doc = (r.views?.bounded ?? r).document;
  const suspect = typeof job.params.filename === "string" ? `upload ${job.params.filename}` : doc.suspect.path;
  for (const m of doc.matches) {
    if (m.tier === "open" || m.verdict === "independent") continue;
    addAlert(db, m.owner, { model: m.name, tier: m.tier, jobId: job.id, suspect, verdict: m.verdict, log10PValue: m.log10PValue, at: new Date().toISOString() }, job.tokenId);
  }
}

export async function startServer(o: ServeOptions = {}): Promise<RunningServer> {
  const registry = resolve(o.registry ?? defaultRegistryPath());
  const db = openRegistry(registry);
  ensureServerTables(db);
  const adminToken = adminCount(db) === 0 ? createToken(db, "admin", null, "first admin").secret : undefined;
  const uploadDir = resolve(o.uploadDir ?? join(tmpdir(), `pedigree-uploads-${process.pid}`));
  mkdirSync(uploadDir, { recursive: true });
  const pool = new JobPool({ db, registryFile: registry, workers: o.workers ?? 2, onDone: (job) => recordAlerts(db, job) });
  const app = buildApp({
    db, registryFile: registry, pool, roots: (o.roots ?? []).map((r) => resolve(r)), uploadDir,
    maxUploadBytes: o.maxUploadBytes ?? 2 << 30, maxJsonBytes: 64 << 10, maxJobsPerToken: o.maxJobsPerToken ?? 4, rateLimit: o.rateLimit ?? 600,
  });
  const host = o.host ?? "127.0.0.1";
  const server = await new Promise<ServerType>((ok) => {
    const s = serve({ fetch: app.fetch, hostname: host, port: o.port ?? 8080 }, () => ok(s));
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : o.port;
  pool.pump();
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    registry,
    adminToken,
    routes: [...new Set(app.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, "{$1}")}`))]
      .map((k) => ({ method: k.split(" ")[0] as string, path: k.split(" ")[1] as string })),
    async close() {
      const closed = new Promise<void>((ok) => server.close(() => ok()));
      // event streams and keep-alive connections would hold close() open
      if ("closeAllConnections" in server) server.closeAllConnections();
      await closed;
      await pool.close();
      db.close();
    },
  };
}
