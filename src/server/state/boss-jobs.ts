/**
 * @module server/state/boss-jobs
 * A Postgres server's jobs through pg-boss — the queue `pedigree worker` uses, in the same
 * database and schema — with the job rows (postgres.ts) kept as the record the API reads. Adding
 * a job writes its row and sends a pg-boss job naming it; a claim fetches a pg-boss job (SKIP
 * LOCKED: one taker) and takes its row; completing ends both. A server that dies holding a job
 * and never comes back leaves the pg-boss job active until its expiry: pg-boss then hands it out
 * again, to whatever server asks next, and the row (still running) is taken again. A server that
 * restarts takes its running jobs back at once, as on SQLite (requeueRunning).
 */
import type PgBoss from "pg-boss";
import type pg from "pg";
import { pgError } from "../../registry/pg-connect.js";
import { startBoss } from "../../queue/boss.js";
import { BOSS_SCHEMA, DEFAULT_SETTINGS } from "../../queue/settings.js";
import type { PgJobs, Query } from "./postgres.js";
import type { Job, JobQueue } from "./state.js";

/** The pg-boss queue of server jobs. */
export const SERVE_QUEUE = "pedigree-serve";

/** pg-boss on the server's pool, with the serve queue created (its background errors ignored: a restarting database makes a few). */
export function startServeBoss(pool: pg.Pool, name: string): Promise<PgBoss> {
  return startBoss(pool, name, DEFAULT_SETTINGS, () => undefined, [SERVE_QUEUE]);
}

export class BossJobs implements JobQueue {
  /** pg-boss job ids of the rows this server runs. */
  private readonly held = new Map<string, string>();

  constructor(private readonly rows: PgJobs, private readonly q: Query, private readonly boss: PgBoss, private readonly name: string) {}

  async add(kind: Job["kind"], tokenId: number, params: Record<string, unknown>): Promise<Job> {
    const job = await this.rows.add(kind, tokenId, params);
    await this.send(job.id);
    return job;
  }
  get(id: string) {
    return this.rows.get(id);
  }
  async claim(): Promise<Job | undefined> {
    for (;;) {
      const [b] = await this.boss.fetch<{ id: string }>(SERVE_QUEUE, { batchSize: 1 });
      if (!b) return undefined;
      const job = typeof b.data?.id === "string" ? await this.rows.take(b.data.id) : undefined;
      if (job) {
        this.held.set(job.id, b.id);
        return job;
      }
      // its row has ended (cancelled, or done by a holder pg-boss thought gone): nothing to run
      await this.boss.complete(SERVE_QUEUE, b.id);
    }
  }
  progress(id: string, progress: NonNullable<Job["progress"]>) {
    return this.rows.progress(id, progress);
  }
  async complete(id: string, status: "done" | "failed", result: unknown, error: Job["error"]): Promise<Job | undefined> {
    const job = await this.rows.complete(id, status, result, error);
    await this.release(id);
    return job;
  }
  async cancel(id: string): Promise<{ job: Job | undefined; changed: boolean }> {
    const r = await this.rows.cancel(id);
    // a job held here ends now; one queued or held elsewhere is dropped when next fetched
    if (r.changed) await this.release(id);
    return r;
  }
  /**
   * A restart: rows left running are queued again (their progress forgotten) and their pg-boss jobs,
   * still active for the dead holder, cancelled; every row queued without a live pg-boss job gets one.
   */
  async requeueRunning(): Promise<void> {
    await this.rows.requeueRunning();
    const stale = await this.q<{ id: string }>(`SELECT j.id FROM ${BOSS_SCHEMA}.job j JOIN server_jobs s ON s.id = j.data ->> 'id'
      WHERE j.name = $1 AND j.state = 'active' AND s.status = 'queued'`, [SERVE_QUEUE]);
    if (stale.length > 0) await this.boss.cancel(SERVE_QUEUE, stale.map((r) => r.id));
    const orphans = await this.q<{ id: string }>(`SELECT s.id FROM server_jobs s WHERE s.status = 'queued' AND NOT EXISTS (
      SELECT 1 FROM ${BOSS_SCHEMA}.job j WHERE j.name = $1 AND j.data ->> 'id' = s.id AND j.state IN ('created', 'retry', 'active')) ORDER BY s.created_at, s.seq`, [SERVE_QUEUE]);
    for (const o of orphans) await this.send(o.id);
  }
  finished(kind: Job["kind"], tokenId: number | null, limit: number) {
    return this.rows.finished(kind, tokenId, limit);
  }
  active(tokenId: number) {
    return this.rows.active(tokenId);
  }

  private async send(id: string): Promise<void> {
    try {
      await this.boss.send(SERVE_QUEUE, { id });
    } catch (e) {
      throw pgError(this.name, e);
    }
  }

  private async release(id: string): Promise<void> {
    const b = this.held.get(id);
    if (b === undefined) return;
    this.held.delete(id);
    await this.boss.complete(SERVE_QUEUE, b).catch(() => undefined);
  }
}
