/**
 * @module server/state/state
 * The server's own state behind one async interface, whatever the registry: API tokens, the
 * append-only audit log, owners' alerts and the job rows. Two implementations keep the same
 * tables: in the registry's SQLite file (sqlite.ts, schema.ts) or in its Postgres database
 * (postgres.ts, pg-schema.ts). Routes await it; a Postgres that cannot be reached is an
 * "unavailable" PedigreeError (HTTP 503).
 *
 * The job rows are the job queue's seam (JobQueue): the pool (jobs.ts) submits, claims, reports
 * progress and completes jobs through it only, so a queue kept elsewhere (pg-boss, with jobs run
 * by `pedigree worker` processes) can replace the rows without changing the pool's callers.
 */
import type { Principal, Role } from "../roles.js";
import type { JobKind } from "../job-worker.js";

export type JobStatus = "queued" | "running" | "done" | "failed" | "cancelled";

export interface Job {
  id: string;
  kind: JobKind;
  tokenId: number;
  params: Record<string, unknown>;
  status: JobStatus;
  progress: { stage: string; done: number; total: number } | null;
  result: unknown;
  error: { code: string; message: string } | null;
  createdAt: string;
  finishedAt: string | null;
}

/**
 * Durable jobs: queued → running → done, failed or cancelled. Every state change is one atomic
 * step on a row, so two claimers never run one job and an ended job never changes again.
 */
export interface JobQueue {
  /** A new queued job. */
  add(kind: JobKind, tokenId: number, params: Record<string, unknown>): Promise<Job>;
  get(id: string): Promise<Job | undefined>;
  /** The oldest queued job, now running (undefined: none queued). */
  claim(): Promise<Job | undefined>;
  /** Records a running job's last progress. */
  progress(id: string, progress: NonNullable<Job["progress"]>): Promise<void>;
  /** Ends a running job (done or failed); returns it, or undefined when it was no longer running (cancelled). */
  complete(id: string, status: "done" | "failed", result: unknown, error: Job["error"]): Promise<Job | undefined>;
  /** Cancels a queued or running job; `changed` is false when it had already ended. */
  cancel(id: string): Promise<{ job: Job | undefined; changed: boolean }>;
  /** A restart: jobs left running are queued again (their progress forgotten). */
  requeueRunning(): Promise<void>;
  /** Finished (done) jobs of a kind, newest first: one token's, or everyone's (tokenId null). */
  finished(kind: JobKind, tokenId: number | null, limit: number): Promise<Job[]>;
  /** Jobs of a token still queued or running. */
  active(tokenId: number): Promise<number>;
}

export interface TokenInfo {
  id: number;
  role: Role;
  org: string | null;
  label: string;
  createdAt: string;
  revoked: boolean;
}

export interface AuditEntry {
  id: number;
  at: string;
  tokenId: number | null;
  role: string | null;
  action: string;
  target: string;
  detail: unknown;
}

export interface Alert {
  model: string;
  tier: string;
  jobId: string;
  suspect: string;
  verdict: string;
  log10PValue: number;
  at: string;
}

export interface ServerState {
  readonly jobs: JobQueue;
  /** Stores a token by the sha256 of its secret (tokens.ts makes both). */
  addToken(hash: string, role: Role, org: string | null, label: string, createdAt: string): Promise<TokenInfo>;
  /** The principal a secret's hash stands for (unknown or revoked: undefined). */
  principalOf(hash: string): Promise<Principal | undefined>;
  listTokens(): Promise<TokenInfo[]>;
  adminCount(): Promise<number>;
  /** Appends to the audit log (never updated nor deleted). */
  audit(who: Principal | undefined, action: string, target: string, detail?: unknown): Promise<void>;
  auditLog(limit?: number): Promise<AuditEntry[]>;
  addAlert(org: string, a: Alert, tokenId: number): Promise<void>;
  /** Alerts for one organisation (or every organisation when `org` is null: admins), newest first. */
  alerts(org: string | null, limit?: number): Promise<Array<Alert & { org: string }>>;
  close(): Promise<void>;
}

/** Row shapes shared by both stores (the same columns). */
export type JobRow = { id: string; kind: JobKind; token_id: number; params_json: string; status: JobStatus; progress_json: string | null; result_json: string | null; error_json: string | null; created_at: string; finished_at: string | null };
export type TokenRow = { id: number; role: Role; org: string | null; label: string; created_at: string; revoked: number | boolean };
export type AuditRow = { id: number; at: string; token_id: number | null; role: string | null; action: string; target: string; detail: string | null };
export type AlertRow = { org: string; model: string; tier: string; job_id: string; suspect: string; verdict: string; log10_p: number; at: string };

const parse = <T>(s: string | null): T | null => (s === null ? null : (JSON.parse(s) as T));
export const jobOf = (r: JobRow): Job => ({
  id: r.id, kind: r.kind, tokenId: Number(r.token_id), params: JSON.parse(r.params_json) as Record<string, unknown>, status: r.status,
  progress: parse(r.progress_json), result: parse(r.result_json), error: parse(r.error_json), createdAt: r.created_at, finishedAt: r.finished_at,
});
export const tokenOf = (r: TokenRow): TokenInfo => ({ id: Number(r.id), role: r.role, org: r.org, label: r.label, createdAt: r.created_at, revoked: !!r.revoked });
export const auditOf = (r: AuditRow): AuditEntry => ({
  id: Number(r.id), at: r.at, tokenId: r.token_id === null ? null : Number(r.token_id), role: r.role, action: r.action, target: r.target, detail: parse(r.detail),
});
export const alertOf = (r: AlertRow): Alert & { org: string } => ({ org: r.org, model: r.model, tier: r.tier, jobId: r.job_id, suspect: r.suspect, verdict: r.verdict, log10PValue: Number(r.log10_p), at: r.at });
/** JSON text of a value, or null. */
export const jsonOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));
