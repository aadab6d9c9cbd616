/**
 * @module queue/worker
 * A worker: takes jobs from the registry's queue and runs them, `concurrency` at a time, until
 * its signal is aborted — or, with `untilIdle`, until nothing is left anywhere (queue empty,
 * nothing held by any worker). Taking no new job once aborted, it aborts the running ones (they
 * go back to the queue) and returns. The registry unreachable (Postgres restarting) is waited
 * out — at start as well as later: every loop retries with a growing pause, and reports the outage
 * once and the recovery once.
 * It also sweeps expired jobs back into the queue, so a job held by a killed worker is retried
 * within the expiry (settings.ts). Library code: no signal handlers, no exit.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { UsageError } from "../errors.js";
import type { JobKind } from "./kinds.js";
import { openQueue, postgresRegistry, type Queue } from "./open-queue.js";
import { runJob } from "./run-job.js";
import type { QueueSettings } from "./settings.js";
import { queueIdle, takeJob } from "./take-job.js";
import { failureText, isTransient } from "./transient.js";

export interface WorkerOptions {
  registry?: string;
  /** Jobs run at once in this process (default 1; fingerprinting is CPU work: run a process per core). */
  concurrency?: number;
  untilIdle?: boolean;
  signal?: AbortSignal;
  settings?: Partial<QueueSettings>;
  onEvent?: (e: WorkerEvent) => void;
}

export type WorkerEvent =
  | { type: "started"; registry: string; concurrency: number }
  | { type: "job"; kind: JobKind; id: string; ok: boolean; retried: boolean; detail: string }
  | { type: "unavailable"; error: string }
  | { type: "reconnected" };

export interface WorkerSummary {
  registry: string;
  jobs: number;
  failed: number;
  /** Why it stopped: the queue ran empty (untilIdle) or the signal was aborted. */
  stopped: "idle" | "signal";
}

export async function runWorker(opts: WorkerOptions): Promise<WorkerSummary> {
  const concurrency = opts.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new UsageError("--concurrency must be an integer from 1 to 64");
  const emit = opts.onEvent ?? (() => undefined);
  const state = { jobs: 0, failed: 0, busy: 0, idle: false, down: false };
  const outage = (e: unknown) => {
    if (!state.down) emit({ type: "unavailable", error: failureText(e) });
    state.down = true;
  };
  const recovered = () => {
    if (state.down) emit({ type: "reconnected" });
    state.down = false;
  };
  const queue = await connect(opts, outage);
  if (!queue) return { registry: postgresRegistry(opts.registry).name, jobs: 0, failed: 0, stopped: "signal" };
  recovered();
  const stop = new AbortController();
  const onAbort = () => stop.abort(opts.signal?.reason);
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  if (opts.signal?.aborted) onAbort();
  emit({ type: "started", registry: queue.name, concurrency });
  const expiry = expirySweeps(queue, stop.signal);
  try {
    await Promise.all(Array.from({ length: concurrency }, () => slot(queue, stop, opts.untilIdle ?? false, state, emit, outage, recovered)));
  } finally {
    stop.abort("done");
    await expiry;
    opts.signal?.removeEventListener("abort", onAbort);
    await queue.close();
  }
  return { registry: queue.name, jobs: state.jobs, failed: state.failed, stopped: state.idle ? "idle" : "signal" };
}

/** Opens the queue, waiting out an unreachable registry (undefined: the signal came first). */
async function connect(opts: WorkerOptions, outage: (e: unknown) => void): Promise<Queue | undefined> {
  let pause = 500;
  while (!opts.signal?.aborted) {
    try {
      return await openQueue(opts.registry, { settings: opts.settings });
    } catch (e) {
      if (!isTransient(e)) throw e;
      outage(e);
    }
    await sleep(pause, undefined, { signal: opts.signal }).catch(() => undefined);
    pause = Math.min(pause * 2, 5000);
  }
  return undefined;
}

type State = { jobs: number; failed: number; busy: number; idle: boolean; down: boolean };

async function slot(queue: Queue, stop: AbortController, untilIdle: boolean, state: State, emit: (e: WorkerEvent) => void, outage: (e: unknown) => void, recovered: () => void): Promise<void> {
  const { pollingIntervalSeconds } = queue.settings;
  let pause = pollingIntervalSeconds * 1000;
  while (!stop.signal.aborted && !state.idle) {
    try {
      const job = await takeJob(queue.boss, queue.pool);
      recovered();
      pause = pollingIntervalSeconds * 1000;
      if (job) {
        state.busy++;
        try {
          const r = await runJob(queue, job, stop.signal);
          state.jobs++;
          if (!r.ok) state.failed++;
          emit({ type: "job", kind: job.kind, id: job.id, ok: r.ok, retried: r.retried, detail: r.detail });
        } finally {
          state.busy--;
        }
        continue;
      }
      if (untilIdle && state.busy === 0 && (await queueIdle(queue.pool)) && state.busy === 0) {
        state.idle = true;
        return;
      }
    } catch (e) {
      if (!isTransient(e)) throw e;
      outage(e);
      pause = Math.min(pause * 2, 5000);
    }
    await sleep(pause, undefined, { signal: stop.signal }).catch(() => undefined);
  }
}

/** Hands jobs held past their expiry back to the queue (pg-boss's expire, under its lock), every expirySweepSeconds. */
async function expirySweeps(queue: Queue, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    await queue.boss.expire().catch(() => undefined);
    await sleep(queue.settings.expirySweepSeconds * 1000, undefined, { signal }).catch(() => undefined);
  }
}
