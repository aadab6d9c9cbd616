/**
 * @module server/audit
 * The append-only audit log and the owners' alerts (every scan match against a gated or closed
 * model).
 */
import type { Registry } from "../registry/open.js";
import type { Principal } from "./roles.js";

export function audit(db: Registry, who: Principal | undefined, action: string, target: string, detail?: unknown): void {
  db.prepare("INSERT INTO server_audit (at, token_id, role, action, target, detail) VALUES (?, ?, ?, ?, ?, ?)")
    .run(new Date().toISOString(), who?.tokenId ?? null, who?.role ?? null, action, target, detail === undefined ? null : JSON.stringify(detail));
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

export function auditLog(db: Registry, limit = 500): AuditEntry[] {
  const rows = db.prepare("SELECT id, at, token_id, role, action, target, detail FROM server_audit ORDER BY id DESC LIMIT ?").all(limit) as Array<{ id: number; at: string; token_id: number | null; role: string | null; action: string; target: string; detail: string | null }>;
  return rows.map((r) => ({ id: r.id, at: r.at, tokenId: r.token_id, role: r.role, action: r.action, target: r.target, detail: r.detail === null ? null : (JSON.parse(r.detail) as unknown) }));
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

export function addAlert(db: Registry, org: string, a: Alert, tokenId: number): void {
  db.prepare("INSERT INTO server_alerts (org, model, tier, job_id, token_id, suspect, verdict, log10_p, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
    .run(org, a.model, a.tier, a.jobId, tokenId, a.suspect, a.verdict, a.log10PValue, a.at);
}

/** Alerts for one organisation (or every organisation when `org` is null: admins). */
export function alerts(db: Registry, org: string | null, limit = 500): Array<Alert & { org: string }> {
  const rows = (org === null
    ? db.prepare("SELECT * FROM server_alerts ORDER BY id DESC LIMIT ?").all(limit)
    : db.prepare("SELECT * FROM server_alerts WHERE org = ? ORDER BY id DESC LIMIT ?").all(org, limit)) as Array<{ org: string; model: string; tier: string; job_id: string; suspect: string; verdict: string; log10_p: number; at: string }>;
  return rows.map((r) => ({ org: r.org, model: r.model, tier: r.tier, jobId: r.job_id, suspect: r.suspect, verdict: r.verdict, log10PValue: r.log10_p, at: r.at }));
}
