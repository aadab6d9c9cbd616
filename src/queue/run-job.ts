/**
 * @module queue/run-job
 * Runs one taken job by its kind and settles it with pg-boss: completed with the handler's
 * output, or failed (pg-boss retries it after retryDelay, up to retryLimit). When the registry
 * cannot be reached to settle it, the job stays taken until it expires and is retried elsewhere;
 * the handlers are idempotent, so running a job twice changes nothing.
 */
import { runCompareJob } from "./compare-job.js";
import { runIndexJob } from "./index-job.js";
import { queueOf, type CompareJobData, type IndexJobData, type RegisterJobData, type ScanJobData } from "./kinds.js";
import type { Queue } from "./open-queue.js";
import { runRegisterJob, type JobContext } from "./register-job.js";
import { runScanJob } from "./scan-job.js";
import type { TakenJob } from "./take-job.js";
import { failureText } from "./transient.js";

export interface JobOutcome {
  ok: boolean;
  /** A one-line account: the entry's outcome, or the failure. */
  detail: string;
  /** Whether pg-boss will run it again. */
  retried: boolean;
}

async function dispatch(ctx: JobContext, job: TakenJob): Promise<{ output: object; detail: string; ok: boolean }> {
  switch (job.kind) {
    case "index": {
      const r = await runIndexJob(ctx, job.data as IndexJobData);
      return { output: r, ok: r.error === null, detail: r.error ?? `sweep ${r.sweepId}: ${r.listed ?? "already"} listed` };
    }
    case "register": {
      const r = await runRegisterJob(ctx, job.data as RegisterJobData);
      return { output: r, ok: r.outcome !== "failed", detail: `${r.name}: ${r.error ?? r.outcome}` };
    }
    case "scan": {
      const r = await runScanJob(ctx, job.id, job.data as ScanJobData);
      return { output: r, ok: r.error === null, detail: r.error ?? "scanned" };
    }
    case "compare": {
      const r = await runCompareJob(ctx, job.id, job.data as CompareJobData);
      return { output: r, ok: r.error === null, detail: r.error ?? "compared" };
    }
  }
}

export async function runJob(queue: Queue, job: TakenJob, signal: AbortSignal): Promise<JobOutcome> {
  const ctx: JobContext = { queue, signal, final: job.retryCount >= job.retryLimit };
  const name = queueOf(job.kind);
  try {
    const r = await dispatch(ctx, job);
    await queue.boss.complete(name, job.id, r.output);
    return { ok: r.ok, detail: r.detail, retried: false };
  } catch (e) {
    await queue.boss.fail(name, job.id, { message: failureText(e) }).catch(() => undefined);
    return { ok: false, detail: failureText(e), retried: !ctx.final };
  }
}
