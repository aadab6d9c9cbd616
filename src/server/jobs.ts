/**
 * @module server/jobs
 * Jobs in the registry database, run by a bounded pool of worker threads (kept for the next job;
 * a cancelled job's worker is terminated and replaced when needed). A job is queued, then
 * running, then done, failed or cancelled; its parameters, last progress and result are rows of
 * `server_jobs`, so a restart finds queued jobs (and re-queues those that were running) and keeps
 * finished ones. Listeners get progress and the final state (the server streams them as SSE).
 */
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { rmSync } from "node:fs";
import type { Worker } from "node:worker_threads";
import { startModuleWorker } from "../io/module-worker.js";
import type { Registry } from "../registry/open.js";
import type { JobInput, JobKind, JobMessage } from "./job-worker.js";

export type JobStatus = "queued" | "running" | "done" | "failed" | "cancelled";

export interface Job {
  id: string;
  kind: JobKind;
  tokenId: number;
  params: Record<string, unknown>;
  status: JobStatus;
  progress: { stage: string; done: number; total: number } | null;
  result: unknown;
  error: { code: string; message: string } | null;
  createdAt: string;
  finishedAt: string | null;
}

export type JobEvent = { type: "progress"; progress: NonNullable<Job["progress"]> } | { type: "end"; job: Job };

type Row = { id: string; kind: JobKind; token_id: number; params_json: string; status: JobStatus; progress_json: string | null; result_json: string | null; error_json: string | null; created_at: string; finished_at: string | null };

const parse = <T>(s: string | null): T | null => (s === null ? null : (JSON.parse(s) as T));
const jobOf = (r: Row): Job => ({
  id: r.id, kind: r.kind, tokenId: r.token_id, params: JSON.parse(r.params_json) as Record<string, unknown>, status: r.status,
  progress: parse(r.progress_json), result: parse(r.result_json), error: parse(r.error_json), createdAt: r.created_at, finishedAt: r.finished_at,
});

export interface JobPoolOptions {
  db: Registry;
  registryFile: string;
  /** Jobs running at once (worker threads). */
  workers: number;
  /** Called in the server thread when a job has finished well (alerts). */
  onDone?: (job: Job) => void;
}

export class JobPool {
  readonly events = new EventEmitter();
  private readonly running = new Map<string, Worker>();
  /** Workers waiting for their next job. */
  private readonly idle: Worker[] = [];
  private closed = false;

  constructor(private readonly o: JobPoolOptions) {
    this.events.setMaxListeners(0);
    // a restart: jobs that were running start again
    o.db.prepare("UPDATE server_jobs SET status = 'queued', progress_json = NULL WHERE status = 'running'").run();
  }

  get(id: string): Job | undefined {
    const r = this.o.db.prepare("SELECT * FROM server_jobs WHERE id = ?").get(id) as Row | undefined;
    return r && jobOf(r);
  }

  /** Finished (done) jobs of a kind, newest first: one token's, or everyone's (tokenId null). */
  finished(kind: JobKind, tokenId: number | null, limit: number): Job[] {
    const rows = (tokenId === null
      ? this.o.db.prepare("SELECT * FROM server_jobs WHERE kind = ? AND status = 'done' ORDER BY finished_at DESC, rowid DESC LIMIT ?").all(kind, limit)
      : this.o.db.prepare("SELECT * FROM server_jobs WHERE kind = ? AND status = 'done' AND token_id = ? ORDER BY finished_at DESC, rowid DESC LIMIT ?").all(kind, tokenId, limit)) as Row[];
    return rows.map(jobOf);
  }

  /** Jobs of a token still queued or running. */
  active(tokenId: number): number {
    return Number(this.o.db.prepare("SELECT count(*) FROM server_jobs WHERE token_id = ? AND status IN ('queued', 'running')").pluck().get(tokenId));
  }

  submit(kind: JobKind, tokenId: number, params: Record<string, unknown>): Job {
    const id = randomUUID();
    this.o.db.prepare("INSERT INTO server_jobs (id, kind, token_id, params_json, status, created_at) VALUES (?, ?, ?, ?, 'queued', ?)")
      .run(id, kind, tokenId, JSON.stringify(params), new Date().toISOString());
    this.pump();
    return this.get(id) as Job;
  }

  /** Cancel a queued or running job; returns it (unchanged if it had already ended). */
  cancel(id: string): Job | undefined {
    const worker = this.running.get(id);
    if (worker) {
      this.running.delete(id);
      void worker.terminate();
    }
    const changed = this.o.db.prepare("UPDATE server_jobs SET status = 'cancelled', finished_at = ? WHERE id = ? AND status IN ('queued', 'running')").run(new Date().toISOString(), id).changes;
    const job = this.get(id);
    if (changed && job) this.end(job);
    this.pump();
    return job;
  }

  /** Start queued jobs while workers are free. */
  pump(): void {
    while (!this.closed && this.running.size < this.o.workers) {
      const r = this.o.db.prepare("SELECT * FROM server_jobs WHERE status = 'queued' ORDER BY created_at, rowid LIMIT 1").get() as Row | undefined;
      if (!r) return;
      this.start(jobOf(r));
    }
  }

  private start(job: Job): void {
    this.o.db.prepare("UPDATE server_jobs SET status = 'running' WHERE id = ?").run(job.id);
    const worker = this.idle.pop() ?? startModuleWorker(new URL("./job-worker.ts", import.meta.url), import.meta.url, null);
    if (!worker) {
      this.finish(job.id, "failed", null, { code: "internal", message: "no worker thread could be started" });
      return;
    }
    this.running.set(job.id, worker);
    let ended = false;
    const detach = () => {
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
    };
    const settle = (status: JobStatus, result: unknown, error: Job["error"], reusable: boolean) => {
      if (ended) return;
      ended = true;
      detach();
      if (this.running.get(job.id) !== worker) return; // cancelled: the worker was terminated
      this.running.delete(job.id);
      if (reusable && !this.closed) this.idle.push(worker);
      else void worker.terminate();
      this.finish(job.id, status, result, error);
    };
    const onMessage = (m: JobMessage) => {
      if (m.type === "progress") {
        const progress = { stage: m.stage, done: m.done, total: m.total };
        this.o.db.prepare("UPDATE server_jobs SET progress_json = ? WHERE id = ? AND status = 'running'").run(JSON.stringify(progress), job.id);
        this.events.emit(job.id, { type: "progress", progress } satisfies JobEvent);
      } else if (m.type === "done") settle("done", m.result, null, true);
      else settle("failed", null, m.error, true);
    };
    const onError = (e: Error) => settle("failed", null, { code: "internal", message: e.message }, false);
    const onExit = (code: number) => settle("failed", null, { code: "internal", message: `the job's worker stopped (exit code ${code})` }, false);
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
    worker.postMessage({ kind: job.kind, registry: this.o.registryFile, params: job.params } satisfies JobInput);
  }

  private finish(id: string, status: JobStatus, result: unknown, error: Job["error"]): void {
    this.o.db.prepare("UPDATE server_jobs SET status = ?, result_json = ?, error_json = ?, finished_at = ? WHERE id = ? AND status = 'running'")
      .run(status, result === null ? null : JSON.stringify(result), error === null ? null : JSON.stringify(error), new Date().toISOString(), id);
    const job = this.get(id);
    if (job) {
      if (job.status === "done") this.o.onDone?.(job);
      this.end(job);
    }
    this.pump();
  }

  private end(job: Job): void {
    const upload = job.params.upload;
    if (typeof upload === "string") rmSync(upload, { recursive: true, force: true });
    this.events.emit(job.id, { type: "end", job } satisfies JobEvent);
  }

  /** Stop every worker; running jobs stay `running` in the database and restart with the server. */
  async close(): Promise<void> {
    this.closed = true;
    const workers = [...this.running.values(), ...this.idle];
    this.running.clear();
    this.idle.length = 0;
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
