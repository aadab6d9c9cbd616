/**
 * @module server/start
 * `pedigree serve` as a library call: open (or create) the registry — a SQLite file or a Postgres
 * database — and the server's state beside it (state/), add the server's tables,
 * make a first admin token when there is none, start the job pool and listen. Returns the URL,
 * that first token's secret (shown once) and a close() that stops listening and the workers.
 */
import { serve, type ServerType } from "@hono/node-server";
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { RegistryBackend } from "../registry/backend.js";
import { openBackend, sqliteBackend } from "../registry/connect.js";
import { registryLocation } from "../registry/location.js";
import { defaultRegistryPath, openRegistry } from "../registry/open.js";
import { buildApp } from "./app.js";
import { recordAlerts } from "./audit.js";
import { JobPool } from "./jobs.js";
import { PgServerState } from "./state/postgres.js";
import { SqliteServerState } from "./state/sqlite.js";
import type { ServerState } from "./state/state.js";
import { createToken } from "./tokens.js";

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

interface Opened {
  /** The location the job workers open: the file's absolute path, or the URL as given. */
  location: string;
  registry: RegistryBackend;
  state: ServerState;
  close(): Promise<void>;
}

/** The registry and the server's state beside it: in the SQLite file, or in the Postgres database. */
async function openStores(given: string | undefined): Promise<Opened> {
  const loc = registryLocation(given);
  if (loc.kind === "sqlite") {
    const location = resolve(loc.file ?? defaultRegistryPath());
    const db = openRegistry(location);
    try {
      return { location, registry: sqliteBackend(db), state: new SqliteServerState(db), close: async () => void db.close() };
    } catch (e) {
      db.close();
      throw e;
    }
  }
  const registry = await openBackend(loc.url);
  try {
    const state = await PgServerState.open(loc.url, loc.name);
    return { location: loc.url, registry, state, close: async () => void (await Promise.all([state.close(), registry.close()])) };
  } catch (e) {
    await registry.close();
    throw e;
  }
}

export async function startServer(o: ServeOptions = {}): Promise<RunningServer> {
  const stores = await openStores(o.registry);
  const { state, registry } = stores;
  let pool: JobPool | undefined;
  try {
    const adminToken = (await state.adminCount()) === 0 ? (await createToken(state, "admin", null, "first admin")).secret : undefined;
    const uploadDir = resolve(o.uploadDir ?? join(tmpdir(), `pedigree-uploads-${process.pid}`));
    mkdirSync(uploadDir, { recursive: true });
    pool = new JobPool({ queue: state.jobs, registry: stores.location, workers: o.workers ?? 2, onDone: (job) => recordAlerts(state, job) });
    const app = buildApp({
      state, registry, pool, roots: (o.roots ?? []).map((r) => resolve(r)), uploadDir,
      maxUploadBytes: o.maxUploadBytes ?? 2 << 30, maxJsonBytes: 64 << 10, maxJobsPerToken: o.maxJobsPerToken ?? 4, rateLimit: o.rateLimit ?? 600,
    });
    await pool.start();
    return await listen(o, app, adminToken, registry.name, pool, stores);
  } catch (e) {
    await pool?.close();
    await stores.close();
    throw e;
  }
}

async function listen(o: ServeOptions, app: ReturnType<typeof buildApp>, adminToken: string | undefined, name: string, pool: JobPool, stores: Opened): Promise<RunningServer> {
  const host = o.host ?? "127.0.0.1";
  const server = await new Promise<ServerType>((ok) => {
    const s = serve({ fetch: app.fetch, hostname: host, port: o.port ?? 8080 }, () => ok(s));
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : o.port;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    registry: name,
    adminToken,
    routes: [...new Set(app.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, "{$1}")}`))]
      .map((k) => ({ method: k.split(" ")[0] as string, path: k.split(" ")[1] as string })),
    async close() {
      const closed = new Promise<void>((ok) => server.close(() => ok()));
      // event streams and keep-alive connections would hold close() open
      if ("closeAllConnections" in server) server.closeAllConnections();
      await closed;
      await pool.close();
      await stores.close();
    },
  };
}
