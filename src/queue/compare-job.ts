/**
 * @module queue/compare-job
 * A compare job: api/compare.ts on two models, its document stored as the job's result.
 */
import { compare } from "../api/compare.js";
import type { CompareJobData } from "./kinds.js";
import { storeJobResult } from "./job-results.js";
import { localPath } from "./local-path.js";
import type { JobContext } from "./register-job.js";
import { failureText, isTransient } from "./transient.js";

export async function runCompareJob(ctx: JobContext, jobId: string, data: CompareJobData): Promise<{ error: string | null }> {
  let document: unknown = null;
  let error: string | null = null;
  try {
    document = (await compare({ a: localPath(data.a), b: localPath(data.b), signal: ctx.signal })).document;
  } catch (e) {
    if (isTransient(e) && !ctx.final) throw e;
    error = failureText(e);
  }
  await storeJobResult(ctx.queue.pool, { jobId, kind: "compare", request: data, document, error });
  return { error };
}
