/**
 * @module server/routes/jobs
 * Work that reads models, each a job in the pool (202 + the job): scan (a model under the roots, or
 * an uploaded weight file; with `behaviour: true`, or `?behaviour=true` for an upload, also the
 * behavioural test), compare, tree; and the jobs themselves: state (redacted for the caller),
 * cancel, progress as server-sent events, and a finished scan's exports.
 */
import type { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { PedigreeError } from "../../errors.js";
import { HttpRefusal } from "../http-errors.js";
import type { Job, JobEvent } from "../jobs.js";
import type { Env, Kit } from "../kit.js";
import { underRoots } from "../roots.js";
import { canSee } from "../visibility.js";

/** How often a job's event stream reads the job as stored, milliseconds. */
const POLL_MS = 2000;

export const SCAN_EXPORT_FORMATS = ["json", "cyclonedx", "spdx", "sarif", "report-input"] as const;

/** A scan's `behaviour` option: a boolean in JSON, "true" or "false" in an upload's query (absent: false). */
function behaviourOf(v: unknown, upload: boolean): boolean {
  if (v === undefined) return false;
  if (typeof v === "boolean" && !upload) return v;
  if (upload && (v === "true" || v === "false")) return v === "true";
  throw new PedigreeError("usage", upload ? "the behaviour query parameter must be true or false" : "behaviour must be true or false (a JSON boolean)");
}

export function jobRoutes(app: Hono<Env>, k: Kit): void {
  const { o } = k;
  app.post("/api/scans", k.may("scan"), async (c) => {
    if (k.isUpload(c)) {
      // the options first, so a bad request is refused before a byte is stored
      let behaviour: boolean;
      try {
        behaviour = behaviourOf(c.req.query("behaviour"), true);
      } catch (e) {
        await k.discard(c);
        throw e;
      }
      const saved = await k.upload(c);
      return k.submit(c, "scan", { path: saved.file, upload: saved.folder, filename: saved.filename, ...(behaviour ? { behaviour } : {}) });
    }
    const b = await k.body(c);
    const behaviour = behaviourOf(b.behaviour, false);
    return k.submit(c, "scan", { path: underRoots(b.path, o.roots), ...(typeof b.publisher === "string" ? { publisher: b.publisher } : {}), ...(behaviour ? { behaviour } : {}) });
  });
  app.post("/api/compare", k.may("compare"), async (c) => {
    const b = await k.body(c);
    return k.submit(c, "compare", { a: underRoots(b.a, o.roots), b: underRoots(b.b, o.roots) });
  });
  app.post("/api/tree", k.may("tree"), async (c) => {
    const p = c.get("principal");
    const b = await k.body(c);
    const wanted = Array.isArray(b.only) ? new Set(b.only.map(String)) : undefined;
    const only = (await o.registry.list()).filter((m) => canSee(p, m) && (!wanted || wanted.has(m.name))).map((m) => m.name);
    // never an empty list: api/tree reads that as "every registered model"
    if (only.length === 0) throw new PedigreeError("not-found", "no registered model the token may see is among those asked for");
    return k.submit(c, "tree", { only });
  });

  app.get("/api/jobs/:id", k.may("jobs.show"), async (c) => {
    const job = await k.ownJob(c);
    await k.auditScanRead(job, c.get("principal"));
    return c.json(await k.jobView(job, c.get("principal")));
  });
  app.delete("/api/jobs/:id", k.may("jobs.cancel"), async (c) => {
    const job = (await o.pool.cancel((await k.ownJob(c)).id)) as Job;
    return c.json(await k.jobView(job, c.get("principal")));
  });
  app.get("/api/jobs/:id/events", k.may("jobs.show"), async (c) => {
    const job = await k.ownJob(c);
    const p = c.get("principal");
    return streamSSE(c, async (stream) => {
      let last = "";
      /** Progress as the caller may see it, sent only when it changed (a run of equal events would count what it hides). */
      const progress = (raw: Job["progress"]) => {
        const shown = JSON.stringify(k.progressView(job, raw, p));
        if (shown !== last) void stream.writeSSE({ event: "progress", data: shown });
        last = shown;
      };
      let ended = false;
      let poll: NodeJS.Timeout | undefined;
      let live = false;
      const done = new Promise<void>((resolveDone) => {
        const onEvent = (e: JobEvent) => {
          if (ended) return;
          if (e.type === "progress") {
            live = true;
            progress(e.progress);
          } else {
            ended = true;
            o.pool.events.off(job.id, onEvent);
            // the final state as the caller may see it (a view the registry cannot give now: the job as stored)
            void k.jobView(e.job, p).then((v) => JSON.stringify(v), () => JSON.stringify({ id: e.job.id, status: e.job.status }))
              .then((data) => stream.writeSSE({ event: e.job.status, data })).then(resolveDone, resolveDone);
          }
        };
        o.pool.events.on(job.id, onEvent);
        stream.onAbort(() => {
          o.pool.events.off(job.id, onEvent);
          resolveDone();
        });
        // the job as stored: it may have ended between the route's read and the listener, and a
        // job run elsewhere (another server on the database, a queue's worker) sends no events here
        const check = () => o.pool.get(job.id).then((now = job) => {
          // (a job this server runs ends by its event, after its alerts are recorded)
          if (now.status !== "queued" && now.status !== "running" && !o.pool.runsHere(job.id)) onEvent({ type: "end", job: now });
          else if (now.progress && !live) progress(now.progress); // stored progress lags the live events
        });
        void check().catch(() => resolveDone());
        poll = setInterval(() => void check().catch(() => undefined), POLL_MS);
      });
      await done.finally(() => clearInterval(poll));
    });
  });
  app.get("/api/jobs/:id/export/:format", k.may("jobs.export"), async (c) => {
    const job = await k.ownJob(c);
    const p = c.get("principal");
    const format = c.req.param("format") as (typeof SCAN_EXPORT_FORMATS)[number];
    if (!SCAN_EXPORT_FORMATS.includes(format)) throw new PedigreeError("usage", `format must be one of ${SCAN_EXPORT_FORMATS.join(", ")}`);
    if (job.kind !== "scan" || job.status !== "done") throw new PedigreeError("not-found", "exports are made from finished scan jobs");
    const view = await k.scanOf(job, p);
    if (!view) throw new HttpRefusal(404, "this scan was stored without the views its exports are made from");
    await k.auditScanRead(job, p);
    return c.json((format === "json" ? view.document : view.exports[format]) as object);
  });
}
