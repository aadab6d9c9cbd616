/**
 * @module server/app
 * The JSON API over src/api (routes documented in openapi.ts) and the web UI's files. Every /api
 * route but /api/health needs a bearer token (rate-limited per token); each route checks the role
 * table (roles.ts). The routes live in routes/: models, jobs (scan, compare, tree and the jobs
 * themselves), findings, admin (alerts, audit, tokens). Heavy work is a job in the worker pool
 * (jobs.ts), answered 202 with the job, followed by GET /api/jobs/:id or its SSE stream.
 */
import { readFileSync } from "node:fs";
import { Hono, type MiddlewareHandler } from "hono";
import { PedigreeError } from "../errors.js";
import { VERSION } from "../version.js";
import { securityHeaders } from "./headers.js";
import { ERROR_STATUS, HttpRefusal } from "./http-errors.js";
import { makeKit, type AppOptions, type Env } from "./kit.js";
import { OPENAPI } from "./openapi.js";
import { adminRoutes } from "./routes/admin.js";
import { findingRoutes } from "./routes/findings.js";
import { jobRoutes } from "./routes/jobs.js";
import { modelRoutes } from "./routes/models.js";
import { principalOf } from "./tokens.js";

export type { AppOptions } from "./kit.js";

/** The web UI: plain files in ui/ at the package root (shipped in the npm package; no build step). */
const UI_DIR = new URL("../../ui/", import.meta.url);
const UI_FILES: Record<string, string> = { "index.html": "text/html; charset=utf-8", "app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8" };
const uiCache = new Map<string, string>();
function uiFile(name: string): string {
  let text = uiCache.get(name);
  if (text === undefined) uiCache.set(name, (text = readFileSync(new URL(name, UI_DIR), "utf8")));
  return text;
}

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
    const p = m?.[1] ? await principalOf(o.state, m[1]) : undefined;
    if (!p) throw new HttpRefusal(401, "a valid API token is required (Authorization: Bearer <token>)");
    const now = Date.now();
    const w = windows.get(p.tokenId);
    if (!w || now - w.start >= 60_000) windows.set(p.tokenId, { start: now, count: 1 });
    else if (++w.count > o.rateLimit) throw new HttpRefusal(429, `more than ${o.rateLimit} requests a minute with this token`);
    c.set("principal", p);
    await next();
  };
  app.use("/api/*", async (c, next) => (c.req.path === "/api/health" ? next() : authenticate(c, next)));

  const kit = makeKit(o);
  modelRoutes(app, kit);
  jobRoutes(app, kit);
  findingRoutes(app, kit);
  adminRoutes(app, kit);
  return app;
}
