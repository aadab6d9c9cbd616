/**
 * @module server/state/sqlite
 * The server's state (state.ts) in the registry's SQLite file, beside the models (schema.ts has the
 * tables). better-sqlite3 is synchronous: each call is one statement (or one transaction), done
 * before the promise it returns settles.
 */
import { randomUUID } from "node:crypto";
import type { Registry } from "../../registry/open.js";
import type { Principal } from "../roles.js";
import { ensureServerTables } from "./schema.js";
import {
  alertOf, auditOf, jobOf, jsonOrNull, tokenOf,
  type AlertRow, type AuditRow, type Job, type JobQueue, type JobRow, type ServerState, type TokenRow,
} from "./state.js";

class SqliteJobs implements JobQueue {
  constructor(private readonly db: Registry) {}

  async add(kind: Job["kind"], tokenId: number, params: Record<string, unknown>): Promise<Job> {
    const id = randomUUID();
    this.db.prepare("INSERT INTO server_jobs (id, kind, token_id, params_json, status, created_at) VALUES (?, ?, ?, ?, 'queued', ?)")
      .run(id, kind, tokenId, JSON.stringify(params), new Date().toISOString());
    return (await this.get(id)) as Job;
  }
  async get(id: string): Promise<Job | undefined> {
    const r = this.db.prepare("SELECT * FROM server_jobs WHERE id = ?").get(id) as JobRow | undefined;
    return r && jobOf(r);
  }
  async claim(): Promise<Job | undefined> {
    return this.db.transaction(() => {
      const r = this.db.prepare("SELECT * FROM server_jobs WHERE status = 'queued' ORDER BY created_at, rowid LIMIT 1").get() as JobRow | undefined;
      if (!r) return undefined;
      this.db.prepare("UPDATE server_jobs SET status = 'running' WHERE id = ?").run(r.id);
      return jobOf({ ...r, status: "running" });
    })();
  }
  async progress(id: string, progress: NonNullable<Job["progress"]>): Promise<void> {
    this.db.prepare("UPDATE server_jobs SET progress_json = ? WHERE id = ? AND status = 'running'").run(JSON.stringify(progress), id);
  }
  async complete(id: string, status: "done" | "failed", result: unknown, error: Job["error"]): Promise<Job | undefined> {
    const changed = this.db.prepare("UPDATE server_jobs SET status = ?, result_json = ?, error_json = ?, finished_at = ? WHERE id = ? AND status = 'running'")
      .run(status, jsonOrNull(result), jsonOrNull(error), new Date().toISOString(), id).changes;
    return changed ? this.get(id) : undefined;
  }
  async cancel(id: string): Promise<{ job: Job | undefined; changed: boolean }> {
    const changed = this.db.prepare("UPDATE server_jobs SET status = 'cancelled', finished_at = ? WHERE id = ? AND status IN ('queued', 'running')").run(new Date().toISOString(), id).changes;
    return { job: await this.get(id), changed: changed > 0 };
  }
  async requeueRunning(): Promise<void> {
    this.db.prepare("UPDATE server_jobs SET status = 'queued', progress_json = NULL WHERE status = 'running'").run();
  }
  async finished(kind: Job["kind"], tokenId: number | null, limit: number): Promise<Job[]> {
    const rows = (tokenId === null
      ? this.db.prepare("SELECT * FROM server_jobs WHERE kind = ? AND status = 'done' ORDER BY finished_at DESC, rowid DESC LIMIT ?").all(kind, limit)
      : this.db.prepare("SELECT * FROM server_jobs WHERE kind = ? AND status = 'done' AND token_id = ? ORDER BY finished_at DESC, rowid DESC LIMIT ?").all(kind, tokenId, limit)) as JobRow[];
    return rows.map(jobOf);
  }
  async active(tokenId: number): Promise<number> {
    return Number(this.db.prepare("SELECT count(*) FROM server_jobs WHERE token_id = ? AND status IN ('queued', 'running')").pluck().get(tokenId));
  }
}

export class SqliteServerState implements ServerState {
  readonly jobs: JobQueue;
  /** `db`: the registry's open file, its server tables created if missing (left open by close). */
  constructor(private readonly db: Registry) {
    ensureServerTables(db);
    this.jobs = new SqliteJobs(db);
  }

  async addToken(hash: string, role: Principal["role"], org: string | null, label: string, createdAt: string) {
    const id = Number(this.db.prepare("INSERT INTO server_tokens (hash, role, org, label, created_at) VALUES (?, ?, ?, ?, ?)").run(hash, role, org, label, createdAt).lastInsertRowid);
    return { id, role, org, label, createdAt, revoked: false };
  }
  async principalOf(hash: string): Promise<Principal | undefined> {
    const r = this.db.prepare("SELECT id, role, org FROM server_tokens WHERE hash = ? AND revoked = 0").get(hash) as { id: number; role: Principal["role"]; org: string | null } | undefined;
    return r && { tokenId: r.id, role: r.role, org: r.org };
  }
  async listTokens() {
    return (this.db.prepare("SELECT id, role, org, label, created_at, revoked FROM server_tokens ORDER BY id").all() as TokenRow[]).map(tokenOf);
  }
  async adminCount(): Promise<number> {
    return Number(this.db.prepare("SELECT count(*) FROM server_tokens WHERE role = 'admin' AND revoked = 0").pluck().get());
  }
  async audit(who: Principal | undefined, action: string, target: string, detail?: unknown): Promise<void> {
    this.db.prepare("INSERT INTO server_audit (at, token_id, role, action, target, detail) VALUES (?, ?, ?, ?, ?, ?)")
      .run(new Date().toISOString(), who?.tokenId ?? null, who?.role ?? null, action, target, jsonOrNull(detail));
  }
  async auditLog(limit = 500) {
    return (this.db.prepare("SELECT id, at, token_id, role, action, target, detail FROM server_audit ORDER BY id DESC LIMIT ?").all(limit) as AuditRow[]).map(auditOf);
  }
  async addAlert(org: string, a: Parameters<ServerState["addAlert"]>[1], tokenId: number): Promise<void> {
    this.db.prepare("INSERT INTO server_alerts (org, model, tier, job_id, token_id, suspect, verdict, log10_p, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .run(org, a.model, a.tier, a.jobId, tokenId, a.suspect, a.verdict, a.log10PValue, a.at);
  }
  async alerts(org: string | null, limit = 500) {
    const rows = (org === null
      ? this.db.prepare("SELECT * FROM server_alerts ORDER BY id DESC LIMIT ?").all(limit)
      : this.db.prepare("SELECT * FROM server_alerts WHERE org = ? ORDER BY id DESC LIMIT ?").all(org, limit)) as AlertRow[];
    return rows.map(alertOf);
  }
  async close(): Promise<void> {}
}
