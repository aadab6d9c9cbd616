/**
 * @module queue/scan-job
 * A scan job: api/scan.ts on the worker's registry, its document stored as the job's result.
 */
import { scan } from "../api/scan.js";
import type { ScanJobData } from "./kinds.js";
import { storeJobResult } from "./job-results.js";
import { localPath } from "./local-path.js";
import type { JobContext } from "./register-job.js";
import { failureText, isTransient } from "./transient.js";

export async function runScanJob(ctx: JobContext, jobId: string, data: ScanJobData): Promise<{ error: string | null }> {
  let document: unknown = null;
  let error: string | null = null;
  try {
    document = (await scan({ model: localPath(data.model), registry: ctx.queue.url, failOn: data.failOn, signal: ctx.signal })).document;
  } catch (e) {
    if (isTransient(e) && !ctx.final) throw e;
    error = failureText(e);
  }
  await storeJobResult(ctx.queue.pool, { jobId, kind: "scan", request: data, document, error });
  return { error };
}
