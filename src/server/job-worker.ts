/**
 * @module server/job-worker
 * Runs jobs in a worker thread so the server's event loop stays free (the numeric work is
 * synchronous): one job per message, each opening the registry itself, calling the api, posting
 * progress and a JSON result. The worker stays for the next job (starting one costs more than a
 * small scan under tsx); cancelling a job terminates its worker.
 */
import { parentPort } from "node:worker_threads";
import { compare } from "../api/compare.js";
import { register } from "../api/register.js";
import { scan } from "../api/scan.js";
import { scanViews } from "../api/scan-views.js";
import { trace, TRACE_SCHEMA } from "../api/trace.js";
import { tree } from "../api/tree.js";
import { PedigreeError } from "../errors.js";
import type { ModelMeta } from "../registry/metadata.js";

export type JobKind = "scan" | "register" | "compare" | "tree" | "trace";

export interface JobInput {
  kind: JobKind;
  /** Where the registry is, as the api functions take it: a SQLite file or a postgres:// URL. */
  registry: string;
  params: Record<string, unknown>;
}

export type JobMessage =
  | { type: "progress"; stage: string; done: number; total: number }
  | { type: "done"; result: unknown }
  | { type: "error"; error: { code: string; message: string } };

async function runJob(job: JobInput, onProgress: (e: { stage: string; done: number; total: number }) => void): Promise<unknown> {
  const p = job.params;
  switch (job.kind) {
    case "scan": {
      const o = await scan({ model: String(p.path), registry: job.registry, onProgress, behaviour: p.behaviour === true, ...(typeof p.publisher === "string" ? { publisher: p.publisher } : {}) });
      const { full, bounded, open, bound } = scanViews(o);
      // the full scan for admins; the views for readers who may not learn the registry's size
      return { ...full, views: { bounded, open }, bound };
    }
    case "register":
      return { entry: (await register({ model: String(p.path), registry: job.registry, meta: p.meta as ModelMeta, onProgress })).entry };
    case "compare":
      return { document: (await compare({ a: String(p.a), b: String(p.b), onProgress, command: "pedigree serve: compare" })).document };
    case "trace": {
      const r = await trace({ suspect: String(p.suspect), model: String(p.model), master: String(p.master), key: { file: String(p.key) }, registry: job.registry });
      return { document: { schema: TRACE_SCHEMA, ...r } };
    }
    case "tree":
      return { document: (await tree({ registry: job.registry, only: p.only as string[], onProgress })).document };
  }
}

/** An uploaded file's folder on the server is nobody's business: its files go by their names. */
function scrubUpload(v: unknown, folder: unknown): unknown {
  if (typeof folder !== "string") return v;
  const prefixes = [`file://${folder}/`, `${folder}/`];
  const walk = (x: unknown): unknown => {
    if (typeof x === "string") return prefixes.reduce((s, pre) => s.split(pre).join(""), x).split(folder).join(".");
    if (Array.isArray(x)) return x.map(walk);
    if (x && typeof x === "object") return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, walk(y)]));
    return x;
  };
  return walk(v);
}

if (parentPort) {
  const port = parentPort;
  // one job at a time: the pool sends the next only after this one's done or error message
  port.on("message", (job: JobInput) => {
    let last = "";
    const onProgress = (e: { stage: string; done: number; total: number }) => {
      const key = `${e.stage}:${e.done}`;
      if (key !== last) port.postMessage({ type: "progress", ...e } satisfies JobMessage);
      last = key;
    };
    runJob(job, onProgress).then(
      (result) => port.postMessage({ type: "done", result: scrubUpload(JSON.parse(JSON.stringify(result, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))) as unknown, job.params.upload) } satisfies JobMessage),
      (e: unknown) => {
        const error = e instanceof PedigreeError ? { code: e.code, message: e.oneLine() } : { code: "internal", message: e instanceof Error ? e.message : String(e) };
        port.postMessage({ type: "error", error: scrubUpload(error, job.params.upload) as typeof error } satisfies JobMessage);
      },
    );
  });
}
