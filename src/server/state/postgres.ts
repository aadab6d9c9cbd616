/**
 * @module server/state/postgres
 * The server's state (state.ts) in a Postgres registry's database (pg-schema.ts has the tables),
 * on a pool of its own. Every error is pg-connect.ts's: a database that cannot be reached is
 * "unavailable" (the server answers 503 and keeps running; the pool reconnects when it is back).
 * Jobs go through pg-boss (boss-jobs.ts), the queue `pedigree worker` uses, in the same database:
 * servers sharing it never run one job at once, and a job whose server died runs again elsewhere.
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { connectPool, pgError } from "../../registry/pg-connect.js";
import type { Principal } from "../roles.js";
import type PgBoss from "pg-boss";
import { BossJobs, startServeBoss } from "./boss-jobs.js";
import { pgMigrateServer } from "./pg-schema.js";
import {
  alertOf, auditOf, jobOf, jsonOrNull, tokenOf,
  type AlertRow, type AuditRow, type Job, type JobQueue, type JobRow, type ServerState, type TokenRow,
} from "./state.js";

const JOB_COLUMNS = "id, kind, token_id, params_json, status, progress_json, result_json, error_json, created_at, finished_at";

export type Query = <R>(sql: string, args?: unknown[]) => Promise<R[]>;

/** The job rows: the record the API reads; jobs are claimed through pg-boss (boss-jobs.ts), which takes them here. */
export class PgJobs implements Omit<JobQueue, "claim"> {
  constructor(private readonly q: Query) {}

  async add(kind: Job["kind"], tokenId: number, params: Record<string, unknown>): Promise<Job> {
    const rows = await this.q<JobRow>(`INSERT INTO server_jobs (id, kind, token_id, params_json, status, created_at) VALUES ($1, $2, $3, $4, 'queued', $5) RETURNING ${JOB_COLUMNS}`,
      [randomUUID(), kind, tokenId, JSON.stringify(params), new Date().toISOString()]);
    return jobOf(rows[0] as JobRow);
  }
  async get(id: string): Promise<Job | undefined> {
    const r = (await this.q<JobRow>(`SELECT ${JOB_COLUMNS} FROM server_jobs WHERE id = $1`, [id]))[0];
    return r && jobOf(r);
  }
  /** Job `id` now running, when it is queued — or running still, its holder gone (pg-boss handed it out again). */
  async take(id: string): Promise<Job | undefined> {
    const r = (await this.q<JobRow>(`UPDATE server_jobs SET status = 'running', progress_json = NULL WHERE id = $1 AND status IN ('queued', 'running') RETURNING ${JOB_COLUMNS}`, [id]))[0];
    return r && jobOf(r);
  }
  async progress(id: string, progress: NonNullable<Job["progress"]>): Promise<void> {
    await this.q("UPDATE server_jobs SET progress_json = $1 WHERE id = $2 AND status = 'running'", [JSON.stringify(progress), id]);
  }
  async complete(id: string, status: "done" | "failed", result: unknown, error: Job["error"]): Promise<Job | undefined> {
    const r = (await this.q<JobRow>(`UPDATE server_jobs SET status = $1, result_json = $2, error_json = $3, finished_at = $4 WHERE id = $5 AND status = 'running' RETURNING ${JOB_COLUMNS}`,
      [status, jsonOrNull(result), jsonOrNull(error), new Date().toISOString(), id]))[0];
    return r && jobOf(r);
  }
  async cancel(id: string): Promise<{ job: Job | undefined; changed: boolean }> {
    const r = (await this.q<JobRow>(`UPDATE server_jobs SET status = 'cancelled', finished_at = $1 WHERE id = $2 AND status IN ('queued', 'running') RETURNING ${JOB_COLUMNS}`, [new Date().toISOString(), id]))[0];
    return r ? { job: jobOf(r), changed: true } : { job: await this.get(id), changed: false };
  }
  async requeueRunning(): Promise<void> {
    await this.q("UPDATE server_jobs SET status = 'queued', progress_json = NULL WHERE status = 'running'");
  }
  async finished(kind: Job["kind"], tokenId: number | null, limit: number): Promise<Job[]> {
    const rows = tokenId === null
      ? await this.q<JobRow>(`SELECT ${JOB_COLUMNS} FROM server_jobs WHERE kind = $1 AND status = 'done' ORDER BY finished_at DESC, seq DESC LIMIT $2`, [kind, limit])
      : await this.q<JobRow>(`SELECT ${JOB_COLUMNS} FROM server_jobs WHERE kind = $1 AND status = 'done' AND token_id = $2 ORDER BY finished_at DESC, seq DESC LIMIT $3`, [kind, tokenId, limit]);
    return rows.map(jobOf);
  }
  async active(tokenId: number): Promise<number> {
    return (await this.q<{ n: number }>("SELECT count(*)::int AS n FROM server_jobs WHERE token_id = $1 AND status IN ('queued', 'running')", [tokenId]))[0]?.n ?? 0;
  }
}

export class PgServerState implements ServerState {
  readonly jobs: JobQueue;
  private readonly q: Query;

  private constructor(private readonly pool: pg.Pool, name: string, private readonly boss: PgBoss) {
    this.q = async <R>(sql: string, args: unknown[] = []) => {
      try {
        return (await pool.query(sql, args)).rows as R[];
      } catch (e) {
        throw pgError(name, e);
      }
    };
    this.jobs = new BossJobs(new PgJobs(this.q), this.q, boss, name);
  }

  /** Connects to the registry's database (`name`: its redacted URL) and applies the server's migrations. */
  static async open(url: string, name: string): Promise<PgServerState> {
    const pool = await connectPool(url, name, 8);
    try {
      const c = await pool.connect();
      try {
        await pgMigrateServer(c, name);
      } finally {
        c.release();
      }
      return new PgServerState(pool, name, await startServeBoss(pool, name));
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw pgError(name, e);
    }
  }

  async addToken(hash: string, role: Principal["role"], org: string | null, label: string, createdAt: string) {
    const r = await this.q<TokenRow>("INSERT INTO server_tokens (hash, role, org, label, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id, role, org, label, created_at, revoked", [hash, role, org, label, createdAt]);
    return tokenOf(r[0] as TokenRow);
  }
  async principalOf(hash: string): Promise<Principal | undefined> {
    const r = (await this.q<{ id: number; role: Principal["role"]; org: string | null }>("SELECT id, role, org FROM server_tokens WHERE hash = $1 AND NOT revoked", [hash]))[0];
    return r && { tokenId: r.id, role: r.role, org: r.org };
  }
  async listTokens() {
    return (await this.q<TokenRow>("SELECT id, role, org, label, created_at, revoked FROM server_tokens ORDER BY id")).map(tokenOf);
  }
  async adminCount(): Promise<number> {
    return (await this.q<{ n: number }>("SELECT count(*)::int AS n FROM server_tokens WHERE role = 'admin' AND NOT revoked"))[0]?.n ?? 0;
  }
  async audit(who: Principal | undefined, action: string, target: string, detail?: unknown): Promise<void> {
    await this.q("INSERT INTO server_audit (at, token_id, role, action, target, detail) VALUES ($1, $2, $3, $4, $5, $6)",
      [new Date().toISOString(), who?.tokenId ?? null, who?.role ?? null, action, target, jsonOrNull(detail)]);
  }
  async auditLog(limit = 500) {
    return (await this.q<AuditRow>("SELECT id, at, token_id, role, action, target, detail FROM server_audit ORDER BY id DESC LIMIT $1", [limit])).map(auditOf);
  }
  async addAlert(org: string, a: Parameters<ServerState["addAlert"]>[1], tokenId: number): Promise<void> {
    await this.q("INSERT INTO server_alerts (org, model, tier, job_id, token_id, suspect, verdict, log10_p, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
      [org, a.model, a.tier, a.jobId, tokenId, a.suspect, a.verdict, a.log10PValue, a.at]);
  }
  async alerts(org: string | null, limit = 500) {
    const rows = org === null
      ? await this.q<AlertRow>("SELECT * FROM server_alerts ORDER BY id DESC LIMIT $1", [limit])
      : await this.q<AlertRow>("SELECT * FROM server_alerts WHERE org = $1 ORDER BY id DESC LIMIT $2", [org, limit]);
    return rows.map(alertOf);
  }
  async close(): Promise<void> {
    await this.boss.stop({ graceful: false, wait: true, timeout: 1000 }).catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }
}
