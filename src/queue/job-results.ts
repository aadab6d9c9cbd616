/**
 * @module queue/job-results
 * The results of scan and compare jobs, kept in the registry (job_results): the request, the
 * versioned JSON document (pedigree.scan/…, pedigree.compare/…) or the error. The first result
 * written for a job stays; a retried job's second one is dropped.
 */
import type pg from "pg";

type Db = Pick<pg.Pool, "query">;

export interface JobResult {
  jobId: string;
  kind: "scan" | "compare";
  request: unknown;
  document: unknown;
  error: string | null;
  finishedAt: string;
}

export async function storeJobResult(db: Db, r: Omit<JobResult, "finishedAt">): Promise<void> {
  await db.query("INSERT INTO job_results (job_id, kind, request_json, document_json, error, finished_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (job_id) DO NOTHING",
    [r.jobId, r.kind, JSON.stringify(r.request), r.document === null ? null : JSON.stringify(r.document), r.error, new Date().toISOString()]);
}

export async function jobResult(db: Db, jobId: string): Promise<JobResult | undefined> {
  const r = (await db.query<{ job_id: string; kind: "scan" | "compare"; request_json: string; document_json: string | null; error: string | null; finished_at: string }>(
    "SELECT * FROM job_results WHERE job_id = $1", [jobId])).rows[0];
  return r && { jobId: r.job_id, kind: r.kind, request: JSON.parse(r.request_json), document: r.document_json === null ? null : JSON.parse(r.document_json), error: r.error, finishedAt: r.finished_at };
}
