/**
 * @module queue/take-job
 * Taking one job, whatever its kind: the queues are tried in JOB_KINDS order (a sweep's expansion
 * before its register jobs), each fetch taking at most one job (pg-boss's SKIP LOCKED: two
 * workers never take the same one). `queueIdle` says whether nothing is left anywhere: no job
 * waiting, none to be retried later, none held by a worker (a job held by a killed worker counts
 * until it expires and is retried).
 */
import type PgBoss from "pg-boss";
import type pg from "pg";
import { JOB_KINDS, queueOf, type JobKind } from "./kinds.js";
import { BOSS_SCHEMA } from "./settings.js";

export interface TakenJob {
  kind: JobKind;
  id: string;
  data: unknown;
  retryCount: number;
  retryLimit: number;
}

export async function takeJob(boss: PgBoss, pool: pg.Pool): Promise<TakenJob | undefined> {
  // pg-boss's fetch swallows every error (an unreachable registry looks like an empty queue):
  // run it on a connection wrapper that keeps the error, and throw it
  let failure: unknown;
  const db = { executeSql: async (text: string, values: unknown[]) => {
    try {
      return { rows: (await pool.query(text, values)).rows };
    } catch (e) {
      failure ??= e;
      throw e;
    }
  } };
  for (const kind of JOB_KINDS) {
    const [job] = await boss.fetch<unknown>(queueOf(kind), { batchSize: 1, includeMetadata: true, db });
    if (failure !== undefined) throw failure;
    if (job) return { kind, id: job.id, data: job.data, retryCount: job.retryCount, retryLimit: job.retryLimit };
  }
  return undefined;
}

export async function queueIdle(pool: pg.Pool): Promise<boolean> {
  const r = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${BOSS_SCHEMA}.job WHERE name = ANY($1::text[]) AND state IN ('created', 'retry', 'active')`,
    [JOB_KINDS.map(queueOf)]);
  return (r.rows[0]?.n ?? 0) === 0;
}
