/**
 * @module server/kit
 * What every route module shares: the options, the role check, JSON bodies, streamed uploads,
 * submitting jobs (with the per-token limit), a job as its caller may see it, and the audit of
 * reads of finished scans that name gated or closed models (matches, or the behaviour section's).
 */
import type { Context, MiddlewareHandler } from "hono";
import { HIDDEN_REGISTRY } from "../api/scan-views.js";
import { PedigreeError } from "../errors.js";
import type { RegistryBackend } from "../registry/backend.js";
import { HttpRefusal } from "./http-errors.js";
import type { JobPool } from "./jobs.js";
import { allowed, type Endpoint, type Principal } from "./roles.js";
import type { Job, ServerState } from "./state/state.js";
import { saveUpload, TooLargeError } from "./upload.js";
import { behaviourNames, canSee, scanView, type ScanView, type StoredScan } from "./visibility.js";

export interface AppOptions {
  /** Tokens, audit log, alerts and job rows. */
  state: ServerState;
  /** The models (list, show, remove, issued copies): the SQLite file or the Postgres database. */
  registry: RegistryBackend;
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

export type Env = { Variables: { principal: Principal } };
export type Ctx = Context<Env>;

export interface Kit {
  o: AppOptions;
  may(endpoint: Endpoint): MiddlewareHandler<Env>;
  /** The request's JSON object (400 if it is not one; 413 past the limit, read no further). */
  body(c: Ctx): Promise<Record<string, unknown>>;
  /** Whether the request carries a file (application/octet-stream) rather than JSON. */
  isUpload(c: Ctx): boolean;
  /**
   * Reads and drops the request body (up to the upload limit), so that a refusal made before the
   * upload was read reaches the client as an answer rather than a connection closed mid-send.
   */
  discard(c: Ctx): Promise<void>;
  /** Streams the request body to a fresh folder (size-limited: 413); the file's name from ?filename=. */
  upload(c: Ctx): Promise<{ folder: string; file: string; filename: string }>;
  submit(c: Ctx, kind: Job["kind"], params: Record<string, unknown>): Promise<Response>;
  /** Registered models' owner and tier, by name. */
  modelInfo(): Promise<Map<string, { owner: string; tier: string }>>;
  /** A finished scan job's result as `p` may see it (null: a job without views, for admins only). */
  scanOf(job: Job, p: Principal): Promise<ScanView | null>;
  jobView(job: Job, p: Principal): Promise<Record<string, unknown>>;
  /**
   * A job's progress as `p` may see it: a scan's comparisons are counted for admins only (their
   * number is the registry's size while it is small); the others see the stage without counts.
   */
  progressView(job: Pick<Job, "kind">, progress: Job["progress"], p: Principal): Job["progress"];
  auditScanRead(job: Job, p: Principal): Promise<void>;
  /** The job named in the path, when it is the caller's (or the caller is an admin); else 404. */
  ownJob(c: Ctx): Promise<Job>;
}

export function makeKit(o: AppOptions): Kit {
  const kit: Kit = {
    o,
    may: (endpoint) => async (c, next) => {
      const role = c.get("principal").role;
      if (!allowed(endpoint, role)) throw new HttpRefusal(403, `the ${role} role may not call ${endpoint}`);
      await next();
    },
    async body(c) {
      const tooLarge = new HttpRefusal(413, `request bodies are limited to ${o.maxJsonBytes} bytes`);
      if (Number(c.req.header("content-length") ?? "0") > o.maxJsonBytes) throw tooLarge;
      const chunks: Uint8Array[] = [];
      let bytes = 0;
      const reader = c.req.raw.body?.getReader();
      for (;;) {
        const r = reader ? await reader.read() : { done: true as const, value: undefined };
        if (r.done) break;
        bytes += r.value.length;
        if (bytes > o.maxJsonBytes) {
          await reader?.cancel();
          throw tooLarge;
        }
        chunks.push(r.value);
      }
      let v: unknown;
      try {
        v = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        throw new PedigreeError("usage", "the request body must be a JSON object");
      }
      if (!v || typeof v !== "object" || Array.isArray(v)) throw new PedigreeError("usage", "the request body must be a JSON object");
      return v as Record<string, unknown>;
    },
    isUpload: (c) => (c.req.header("content-type") ?? "").startsWith("application/octet-stream"),
    async discard(c) {
      const reader = c.req.raw.body?.getReader();
      let bytes = 0;
      while (reader) {
        const r = await reader.read().catch(() => ({ done: true as const, value: undefined }));
        if (r.done) return;
        bytes += r.value.length;
        if (bytes > o.maxUploadBytes) return void (await reader.cancel().catch(() => {}));
      }
    },
    async upload(c) {
      const declared = Number(c.req.header("content-length") ?? "0");
      if (declared > o.maxUploadBytes) throw new HttpRefusal(413, `the upload is larger than the limit of ${o.maxUploadBytes} bytes`);
      const filename = c.req.query("filename") ?? "";
      try {
        return { ...(await saveUpload(c.req.raw.body, filename, o.uploadDir, o.maxUploadBytes)), filename };
      } catch (e) {
        if (e instanceof TooLargeError) throw new HttpRefusal(413, e.message);
        if (!c.req.raw.bodyUsed) await kit.discard(c); // refused before reading (the file's name)
        throw e;
      }
    },
    async submit(c, kind, params) {
      const p = c.get("principal");
      if ((await o.pool.active(p.tokenId)) >= o.maxJobsPerToken) throw new HttpRefusal(429, `at most ${o.maxJobsPerToken} jobs at once per token`);
      return c.json(await kit.jobView(await o.pool.submit(kind, p.tokenId, params), p), 202);
    },
    modelInfo: async () => new Map((await o.registry.list()).map((m) => [m.name, { owner: m.owner, tier: m.tier }])),
    scanOf: async (job, p) => scanView(p, job.result as StoredScan, await kit.modelInfo()),
    progressView: (job, progress, p) => (progress && job.kind === "scan" && progress.stage === "compare" && p.role !== "admin" ? { stage: "compare", done: 0, total: 0 } : progress),
    async jobView(job, p) {
      let result = job.result;
      if (job.kind === "scan" && job.status === "done") result = await kit.scanOf(job, p);
      // a tree is made of the models the caller may see; the registry's file is the server's business
      if (job.kind === "tree" && job.status === "done" && p.role !== "admin") {
        const r = result as { document: Record<string, unknown> };
        result = { ...r, document: { ...r.document, registry: HIDDEN_REGISTRY } };
      }
      const { params, ...rest } = job;
      const shownParams = { ...params };
      delete shownParams.upload;
      if (typeof shownParams.path === "string" && typeof params.upload === "string") shownParams.path = shownParams.filename;
      return { ...rest, progress: kit.progressView(job, job.progress, p), params: shownParams, result };
    },
    async auditScanRead(job, p) {
      if (job.kind !== "scan" || job.status !== "done") return;
      const shown = (job.result as StoredScan).document.matches.filter((m) => m.tier !== "open" && canSee(p, m)).map((m) => m.name);
      // the behaviour section's names as this reader gets them (masked ones name no model)
      const view = await kit.scanOf(job, p);
      if (view?.document.behaviour) {
        const models = await kit.modelInfo();
        for (const name of behaviourNames(view.document)) {
          const m = models.get(name);
          if (m && m.tier !== "open" && !shown.includes(name)) shown.push(name);
        }
      }
      if (shown.length) await o.state.audit(p, "read-scan", job.id, { models: shown });
    },
    async ownJob(c) {
      const p = c.get("principal");
      const job = await o.pool.get(c.req.param("id") ?? "");
      if (!job || (p.role !== "admin" && job.tokenId !== p.tokenId)) throw new HttpRefusal(404, "no such job");
      return job;
    },
  };
  return kit;
}
