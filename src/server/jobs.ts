/**
 * @module server/jobs
 * Jobs run by a bounded pool of worker threads (kept for the next job; a cancelled job's worker is
 * terminated and replaced when needed). A job is queued, then running, then done, failed or
 * cancelled; its rows are the queue's (state/state.ts JobQueue: the registry's SQLite file or its
 * Postgres database), so a restart finds queued jobs (and re-queues those that were running) and
 * keeps finished ones. Each worker opens the registry itself from its location (a file or a URL).
 * Listeners get progress and the final state (the server streams them as SSE).
 *
 * The pool only submits, claims, reports and completes through the JobQueue: a queue kept
 * elsewhere (pg-boss) plugs in there. A queue that cannot be reached (Postgres down) leaves jobs
 * where they are and the pool tries again a second later (a finished job's outcome is kept until
 * it is stored); it never throws out of a worker's event.
 */
import { EventEmitter } from "node:events";
import { rmSync } from "node:fs";
import type { Worker } from "node:worker_threads";
import { startModuleWorker } from "../io/module-worker.js";
import type { JobInput, JobKind, JobMessage } from "./job-worker.js";
import type { Job, JobQueue } from "./state/state.js";

export type { Job, JobStatus } from "./state/state.js";

export type JobEvent = { type: "progress"; progress: NonNullable<Job["progress"]> } | { type: "end"; job: Job };

/** Milliseconds before the pool tries a queue that failed again. */
const RETRY_MS = 1000;
/** How often the pool looks for jobs queued by others (another server on the database), milliseconds. */
const LOOK_MS = 2000;

export interface JobPoolOptions {
  queue: JobQueue;
  /** The registry's location as the api functions take it: a SQLite file or a postgres:// URL. */
  registry: string;
  /** Jobs running at once (worker threads). */
  workers: number;
  /** Called in the server thread when a job has finished well (alerts). */
  onDone?: (job: Job) => Promise<void>;
}

export class JobPool {
  readonly events = new EventEmitter();
  private readonly running = new Map<string, Worker>();
  /** Jobs whose worker has ended, until their end is stored and announced. */
  private readonly ending = new Set<string>();
  /** Workers waiting for their next job. */
  private readonly idle: Worker[] = [];
  private closed = false;
  /** One pump at a time; `again`: asked to pump while pumping. */
  private pumping = false;
  private again = false;
  private retry: NodeJS.Timeout | undefined;
  private look: NodeJS.Timeout | undefined;

  constructor(private readonly o: JobPoolOptions) {
    this.events.setMaxListeners(0);
  }

  /**
   * A (re)start: jobs that were running are queued again, then started as workers allow — those
   * submitted here at once, those queued by others within LOOK_MS.
   */
  async start(): Promise<void> {
    await this.o.queue.requeueRunning();
    this.pump();
    this.look = setInterval(() => this.pump(), LOOK_MS);
    this.look.unref();
  }

  get(id: string): Promise<Job | undefined> {
    return this.o.queue.get(id);
  }

  finished(kind: JobKind, tokenId: number | null, limit: number): Promise<Job[]> {
    return this.o.queue.finished(kind, tokenId, limit);
  }

  active(tokenId: number): Promise<number> {
    return this.o.queue.active(tokenId);
  }

  async submit(kind: JobKind, tokenId: number, params: Record<string, unknown>): Promise<Job> {
    const job = await this.o.queue.add(kind, tokenId, params);
    this.pump();
    return job;
  }

  /** Whether this pool is running the job (or storing its end): its end will be an event here. */
  runsHere(id: string): boolean {
    return this.running.has(id) || this.ending.has(id);
  }

  /** Cancel a queued or running job; returns it (unchanged if it had already ended). */
  async cancel(id: string): Promise<Job | undefined> {
    const { job, changed } = await this.o.queue.cancel(id);
    const worker = this.running.get(id);
    if (changed && worker) {
      this.running.delete(id);
      void worker.terminate();
    }
    if (changed && job) this.end(job);
    this.pump();
    return job;
  }

  /** Start queued jobs while workers are free (in the background; failures retried). */
  pump(): void {
    if (this.closed) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    void (async () => {
      try {
        do {
          this.again = false;
          while (!this.closed && this.running.size < this.o.workers) {
            const job = await this.o.queue.claim();
            if (!job) break;
            if (this.closed) break; // claimed while closing: running, so queued again at the next start
            this.run(job);
          }
        } while (this.again && !this.closed);
      } catch {
        this.later();
      } finally {
        this.pumping = false;
      }
    })();
  }

  private later(): void {
    if (this.retry || this.closed) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.pump();
    }, RETRY_MS);
    this.retry.unref();
  }

  private run(job: Job): void {
    const worker = this.idle.pop() ?? startModuleWorker(new URL("./job-worker.ts", import.meta.url), import.meta.url, null);
    if (!worker) {
      void this.finish(job.id, "failed", null, { code: "internal", message: "no worker thread could be started" });
      return;
    }
    this.running.set(job.id, worker);
    let ended = false;
    const detach = () => {
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
    };
    const settle = (status: "done" | "failed", result: unknown, error: Job["error"], reusable: boolean) => {
      if (ended) return;
      ended = true;
      detach();
      if (this.running.get(job.id) !== worker) return; // cancelled: the worker was terminated
      this.running.delete(job.id);
      if (reusable && !this.closed) this.idle.push(worker);
      else void worker.terminate();
      void this.finish(job.id, status, result, error);
    };
    const onMessage = (m: JobMessage) => {
      if (m.type === "progress") {
        const progress = { stage: m.stage, done: m.done, total: m.total };
        this.o.queue.progress(job.id, progress).catch(() => undefined); // the next one, or the end, says more
        this.events.emit(job.id, { type: "progress", progress } satisfies JobEvent);
      } else if (m.type === "done") settle("done", m.result, null, true);
      else settle("failed", null, m.error, true);
    };
    const onError = (e: Error) => settle("failed", null, { code: "internal", message: e.message }, false);
    const onExit = (code: number) => settle("failed", null, { code: "internal", message: `the job's worker stopped (exit code ${code})` }, false);
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
    worker.postMessage({ kind: job.kind, registry: this.o.registry, params: job.params } satisfies JobInput);
  }

  private async finish(id: string, status: "done" | "failed", result: unknown, error: Job["error"]): Promise<void> {
    this.ending.add(id);
    try {
      const job = await this.o.queue.complete(id, status, result, error);
      if (job) {
        if (job.status === "done") await this.o.onDone?.(job).catch(() => undefined);
        this.end(job);
      }
      this.ending.delete(id);
    } catch {
      // the queue cannot be reached: the outcome is kept here and stored once it is back (or, if
      // the server stops first, the job is still running there and runs again at the next start)
      if (!this.closed) setTimeout(() => void this.finish(id, status, result, error), RETRY_MS).unref();
      return;
    }
    this.pump();
  }

  private end(job: Job): void {
    const upload = job.params.upload;
    if (typeof upload === "string") rmSync(upload, { recursive: true, force: true });
    this.events.emit(job.id, { type: "end", job } satisfies JobEvent);
  }

  /** Stop every worker; running jobs stay `running` in the queue and restart with the server. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    clearInterval(this.look);
    const workers = [...this.running.values(), ...this.idle];
    this.running.clear();
    this.idle.length = 0;
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
