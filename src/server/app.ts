/**
 * @module server/app
 * The JSON API over src/api (routes documented in openapi.ts). Every /api route but /api/health
 * needs a bearer token; each route checks the role table (roles.ts); heavy work (register, scan,
 * compare, tree) is a job in the worker pool (jobs.ts), answered 202 with the job, followed by
 * GET /api/jobs/:id or its SSE stream /api/jobs/:id/events.
 */
import { readFileSync } from "node:fs";
import { Hono, type Context, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { streamSSE } from "hono/streaming";
import { PedigreeError, q } from "../errors.js";
import { metaProblem, TIERS, type ModelMeta, type Tier } from "../registry/metadata.js";
import type { Registry } from "../registry/open.js";
import { get, list, remove } from "../registry/store.js";
import { VERSION } from "../version.js";
import { alerts, audit, auditLog } from "./audit.js";
import { securityHeaders } from "./headers.js";
import { ERROR_STATUS, HttpRefusal } from "./http-errors.js";
import type { Job, JobEvent, JobPool } from "./jobs.js";
import { OPENAPI } from "./openapi.js";
import { allowed, ROLES, type Endpoint, type Principal, type Role } from "./roles.js";
import { underRoots } from "./roots.js";
import { createToken, listTokens, principalOf } from "./tokens.js";
import { saveUpload } from "./upload.js";
import { canSee, redactScan } from "./visibility.js";

export interface AppOptions {
  db: Registry;
  registryFile: string;
  pool: JobPool;
  /** Folders whose models clients may name by path. */
  roots: string[];
  uploadDir: string;
  maxUploadBytes: number;
  /** JSON request bodies, bytes. */
  maxJsonBytes: number;
  /** Queued or running jobs per token. */
  maxJobsPerToken: number;
  /** Requests per token per minute. */
  rateLimit: number;
}

type Env = { Variables: { principal: Principal } };

/** The web UI: plain files in ui/ at the package root (shipped in the npm package; no build step). */
const UI_DIR = new URL("../../ui/", import.meta.url);
const UI_FILES: Record<string, string> = { "index.html": "text/html; charset=utf-8", "app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8" };
const uiCache = new Map<string, string>();
function uiFile(name: string): string {
  let text = uiCache.get(name);
  if (text === undefined) uiCache.set(name, (text = readFileSync(new URL(name, UI_DIR), "utf8")));
  return text;
}

const SCAN_EXPORT_FORMATS = ["json", "cyclonedx", "spdx", "sarif", "report-input"] as const;

export function buildApp(o: AppOptions): Hono<Env> {
  const app = new Hono<Env>();
  const windows = new Map<number, { start: number; count: number }>();

  app.use("*", securityHeaders);
  app.onError((e, c) => {
    if (e instanceof HttpRefusal) return c.json({ error: { code: "refused", message: e.message } }, e.status);
    if (e instanceof PedigreeError) return c.json({ error: { code: e.code, message: e.oneLine() } }, ERROR_STATUS[e.code]);
    return c.json({ error: { code: "internal", message: "internal error" } }, 500);
  });
  app.notFound((c) => c.json({ error: { code: "not-found", message: "no such route" } }, 404));

  app.get("/openapi.json", (c) => c.json(OPENAPI));
  app.get("/", (c) => c.body(uiFile("index.html"), 200, { "content-type": UI_FILES["index.html"] as string }));
  app.get("/ui/:file", (c) => {
    const name = c.req.param("file");
    if (!Object.hasOwn(UI_FILES, name)) throw new HttpRefusal(404, "no such file");
    return c.body(uiFile(name), 200, { "content-type": UI_FILES[name] as string });
  });
  app.get("/api/health", (c) => c.json({ ok: true, version: VERSION }));

  const authenticate: MiddlewareHandler<Env> = async (c, next) => {
    const m = /^Bearer (\S+)$/.exec(c.req.header("authorization") ?? "");
    const p = m?.[1] ? principalOf(o.db, m[1]) : undefined;
    if (!p) throw new HttpRefusal(401, "a valid API token is required (Authorization: Bearer <token>)");
    const now = Date.now();
    const w = windows.get(p.tokenId);
    if (!w || now - w.start >= 60_000) windows.set(p.tokenId, { start: now, count: 1 });
    else if (++w.count > o.rateLimit) throw new HttpRefusal(429, `more than ${o.rateLimit} requests a minute with this token`);
    c.set("principal", p);
    await next();
  };
  app.use("/api/*", async (c, next) => (c.req.path === "/api/health" ? next() : authenticate(c, next)));

  const may = (endpoint: Endpoint): MiddlewareHandler<Env> => async (c, next) => {
    if (!allowed(endpoint, c.get("principal").role)) throw new HttpRefusal(403, `the ${c.get("principal").role} role may not call ${endpoint}`);
    await next();
  };
  const json = bodyLimit({ maxSize: o.maxJsonBytes, onError: () => { throw new HttpRefusal(413, `request bodies are limited to ${o.maxJsonBytes} bytes`); } });
  const body = async (c: Context): Promise<Record<string, unknown>> => {
    let v: unknown;
    try {
      v = await c.req.json();
    } catch {
      throw new PedigreeError("usage", "the request body must be a JSON object");
    }
    if (!v || typeof v !== "object" || Array.isArray(v)) throw new PedigreeError("usage", "the request body must be a JSON object");
    return v as Record<string, unknown>;
  };
  const submit = (c: Context<Env>, kind: Job["kind"], params: Record<string, unknown>) => {
    const p = c.get("principal");
    if (o.pool.active(p.tokenId) >= o.maxJobsPerToken) throw new HttpRefusal(429, `at most ${o.maxJobsPerToken} jobs at once per token`);
    return c.json(jobView(o.pool.submit(kind, p.tokenId, params), p), 202);
  };
  const modelInfo = () => new Map(list(o.db).map((m) => [m.name, { owner: m.owner, tier: m.tier }]));
  const jobView = (job: Job, p: Principal) => {
    let result = job.result;
    if (job.kind === "scan" && result && typeof result === "object") result = redactScan(p, result as Parameters<typeof redactScan>[1], modelInfo());
    const { params, ...rest } = job;
    const shownParams = { ...params };
    delete shownParams.upload;
    return { ...rest, params: shownParams, result };
  };
  /** Audit a read of a finished scan that shows the reader gated or closed models by name. */
  const auditScanRead = (job: Job, p: Principal) => {
    if (job.kind !== "scan" || job.status !== "done") return;
    const matches = (job.result as { document: { matches: Array<{ name: string; owner: string; tier: string }> } }).document.matches;
    const shown = matches.filter((m) => m.tier !== "open" && canSee(p, m)).map((m) => m.name);
    if (shown.length) audit(o.db, p, "read-scan", job.id, { models: shown });
  };
  const ownJob = (c: Context<Env>): Job => {
    const p = c.get("principal");
    const job = o.pool.get(c.req.param("id") ?? "");
    if (!job || (p.role !== "admin" && job.tokenId !== p.tokenId)) throw new HttpRefusal(404, "no such job");
    return job;
  };

  // ---- models
  app.get("/api/models", may("models.list"), (c) => {
    const p = c.get("principal");
    const search = (c.req.query("q") ?? "").toLowerCase();
    const tier = c.req.query("tier");
    const models = list(o.db).filter((m) => canSee(p, m) && (!tier || m.tier === tier) && (!search || `${m.name} ${m.owner} ${m.license ?? ""}`.toLowerCase().includes(search)));
    return c.json({ models });
  });
  app.get("/api/models/:name", may("models.show"), (c) => {
    const p = c.get("principal");
    const e = get(o.db, c.req.param("name"));
    if (!e || !canSee(p, e)) throw new PedigreeError("not-found", `no model named ${q(c.req.param("name"))}`);
    if (e.tier !== "open") audit(o.db, p, "read-model", e.name, { tier: e.tier });
    return c.json(e);
  });
  app.post("/api/models", may("models.register"), json, async (c) => {
    const p = c.get("principal");
    const b = await body(c);
    const owner = p.role === "owner" ? p.org : b.owner;
    if (p.role === "owner" && b.owner !== undefined && b.owner !== p.org) throw new HttpRefusal(403, `an owner token registers models of its own organisation (${p.org})`);
    const tier = b.tier as Tier;
    if (!TIERS.includes(tier)) throw new PedigreeError("usage", `tier must be one of ${TIERS.join(", ")}`);
    const meta: ModelMeta = {
      name: String(b.name ?? ""), owner: String(owner ?? ""), tier, license: typeof b.license === "string" ? b.license : undefined,
      declaredBase: typeof b.declaredBase === "string" ? b.declaredBase : undefined, released: typeof b.released === "string" ? b.released : undefined,
      recipients: Array.isArray(b.recipients) ? b.recipients.map(String) : tier === "gated" ? [] : undefined, notes: typeof b.notes === "string" ? b.notes : undefined,
    };
    const problem = metaProblem(meta);
    if (problem) throw new PedigreeError("usage", problem);
    if (get(o.db, meta.name)) throw new PedigreeError("conflict", `a model named ${q(meta.name)} is already registered`);
    const path = underRoots(b.path, o.roots);
    audit(o.db, p, "register", meta.name, { tier: meta.tier, owner: meta.owner });
    return submit(c, "register", { path, meta });
  });
  app.delete("/api/models/:name", may("models.remove"), (c) => {
    const p = c.get("principal");
    const e = get(o.db, c.req.param("name"));
    if (!e || !canSee(p, e)) throw new PedigreeError("not-found", `no model named ${q(c.req.param("name"))}`);
    if (p.role === "owner" && e.owner !== p.org) throw new HttpRefusal(403, "an owner token removes only its organisation's models");
    const removed = remove(o.db, e.name);
    audit(o.db, p, "remove", e.name, { tier: e.tier });
    return c.json({ removed });
  });

  // ---- jobs that read models
  app.post("/api/scans", may("scan"), async (c) => {
    const type = c.req.header("content-type") ?? "";
    if (type.startsWith("application/octet-stream")) {
      const declared = Number(c.req.header("content-length") ?? "0");
      if (declared > o.maxUploadBytes) throw new HttpRefusal(413, `the upload is larger than the limit of ${o.maxUploadBytes} bytes`);
      let saved;
      try {
        saved = await saveUpload(c.req.raw.body, c.req.query("filename") ?? "", o.uploadDir, o.maxUploadBytes);
      } catch (e) {
        if (e instanceof PedigreeError && /larger than the limit/.test(e.message)) throw new HttpRefusal(413, e.message);
        throw e;
      }
      return submit(c, "scan", { path: saved.file, upload: saved.folder, filename: c.req.query("filename") });
    }
    const raw = await c.req.text();
    if (raw.length > o.maxJsonBytes) throw new HttpRefusal(413, `request bodies are limited to ${o.maxJsonBytes} bytes`);
    let b: Record<string, unknown>;
    try {
      b = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      throw new PedigreeError("usage", "give {\"path\": ...} as JSON, or the file as application/octet-stream with ?filename=");
    }
    return submit(c, "scan", { path: underRoots(b?.path, o.roots), ...(typeof b.publisher === "string" ? { publisher: b.publisher } : {}) });
  });
  app.post("/api/compare", may("compare"), json, async (c) => {
    const b = await body(c);
    return submit(c, "compare", { a: underRoots(b.a, o.roots), b: underRoots(b.b, o.roots) });
  });
  app.post("/api/tree", may("tree"), json, async (c) => {
    const p = c.get("principal");
    const b = await body(c);
    const wanted = Array.isArray(b.only) ? new Set(b.only.map(String)) : undefined;
    const only = list(o.db).filter((m) => canSee(p, m) && (!wanted || wanted.has(m.name))).map((m) => m.name);
    return submit(c, "tree", { only });
  });

  // ---- jobs
  app.get("/api/jobs/:id", may("jobs.show"), (c) => {
    const job = ownJob(c);
    auditScanRead(job, c.get("principal"));
    return c.json(jobView(job, c.get("principal")));
  });
  app.delete("/api/jobs/:id", may("jobs.cancel"), (c) => {
    const job = o.pool.cancel(ownJob(c).id) as Job;
    return c.json(jobView(job, c.get("principal")));
  });
  app.get("/api/jobs/:id/events", may("jobs.show"), (c) => {
    const job = ownJob(c);
    const p = c.get("principal");
    return streamSSE(c, async (stream) => {
      const done = new Promise<void>((resolveDone) => {
        const onEvent = (e: JobEvent) => {
          if (e.type === "progress") void stream.writeSSE({ event: "progress", data: JSON.stringify(e.progress) });
          else {
            o.pool.events.off(job.id, onEvent);
            void stream.writeSSE({ event: e.job.status, data: JSON.stringify(jobView(e.job, p)) }).then(resolveDone);
          }
        };
        o.pool.events.on(job.id, onEvent);
        stream.onAbort(() => {
          o.pool.events.off(job.id, onEvent);
          resolveDone();
        });
        const now = o.pool.get(job.id) as Job;
        if (now.status !== "queued" && now.status !== "running") onEvent({ type: "end", job: now });
        else if (now.progress) void stream.writeSSE({ event: "progress", data: JSON.stringify(now.progress) });
      });
      await done;
    });
  });
  app.get("/api/jobs/:id/export/:format", may("jobs.export"), (c) => {
    const job = ownJob(c);
    const format = c.req.param("format") as (typeof SCAN_EXPORT_FORMATS)[number];
    if (!SCAN_EXPORT_FORMATS.includes(format)) throw new PedigreeError("usage", `format must be one of ${SCAN_EXPORT_FORMATS.join(", ")}`);
    if (job.kind !== "scan" || job.status !== "done") throw new PedigreeError("not-found", "exports are made from finished scan jobs");
    auditScanRead(job, c.get("principal"));
    const view = jobView(job, c.get("principal")).result as { document: unknown; exports?: Record<string, unknown> };
    const out = format === "json" ? view.document : view.exports?.[format];
    if (out === undefined) throw new HttpRefusal(403, "this export would name models the token may not see");
    return c.json(out as object);
  });

  // ---- owners and admins
  app.get("/api/alerts", may("alerts"), (c) => {
    const p = c.get("principal");
    return c.json({ alerts: alerts(o.db, p.role === "admin" ? null : p.org) });
  });
  app.get("/api/audit", may("audit"), (c) => c.json({ audit: auditLog(o.db) }));
  app.get("/api/tokens", may("tokens.list"), (c) => c.json({ tokens: listTokens(o.db) }));
  app.post("/api/tokens", may("tokens.create"), json, async (c) => {
    const b = await body(c);
    const role = b.role as Role;
    if (!ROLES.includes(role)) throw new PedigreeError("usage", `role must be one of ${ROLES.join(", ")}`);
    const org = role === "owner" ? String(b.org ?? "") : null;
    if (role === "owner" && (!org || org.length > 200)) throw new PedigreeError("usage", "an owner token needs its organisation (org)");
    const label = typeof b.label === "string" ? b.label.slice(0, 200) : role;
    const made = createToken(o.db, role, org, label);
    audit(o.db, c.get("principal"), "create-token", String(made.token.id), { role, org });
    return c.json({ secret: made.secret, token: made.token }, 201);
  });
  return app;
}
