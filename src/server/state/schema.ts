/**
 * @module server/state/schema
 * The server's own tables, kept in the registry's SQLite file beside the models (created if
 * missing; the registry's schema and version are untouched):
 * - `server_tokens`: API tokens, stored as the sha256 of the secret (a 256-bit random value, so a
 *   plain hash is enough), with their role and, for owners, their organisation.
 * - `server_jobs`: every job (queued, running, done, failed, cancelled) with its parameters, last
 *   progress and result, so queued and finished jobs survive a restart.
 * - `server_alerts`: every match of a scan against a gated or closed model, for its owner.
 * - `server_audit`: append-only (triggers refuse UPDATE and DELETE): who read closed material,
 *   tokens made, models registered or removed.
 */
import type { Registry } from "../../registry/open.js";

const TABLES = `
CREATE TABLE IF NOT EXISTS server_tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('admin', 'owner', 'analyst', 'public')),
  org TEXT,
  label TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS server_jobs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  token_id INTEGER NOT NULL,
  params_json TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  progress_json TEXT,
  result_json TEXT,
  error_json TEXT,
  created_at TEXT NOT NULL,
  finished_at TEXT
);
CREATE INDEX IF NOT EXISTS server_jobs_status ON server_jobs (status, created_at);
CREATE TABLE IF NOT EXISTS server_alerts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  org TEXT NOT NULL,
  model TEXT NOT NULL,
  tier TEXT NOT NULL,
  job_id TEXT NOT NULL,
  token_id INTEGER NOT NULL,
  suspect TEXT NOT NULL,
  verdict TEXT NOT NULL,
  log10_p REAL NOT NULL,
  at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS server_audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  token_id INTEGER,
  role TEXT,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT
);
CREATE TRIGGER IF NOT EXISTS server_audit_no_update BEFORE UPDATE ON server_audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS server_audit_no_delete BEFORE DELETE ON server_audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
`;

export function ensureServerTables(db: Registry): void {
  db.exec(TABLES);
}
