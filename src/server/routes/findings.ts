/**
 * @module server/routes/findings
 * The findings of finished scans, newest first, as the caller may see them: an analyst's or the
 * public's own scans (redacted as their job pages are); an owner's own scans and, from anyone's
 * scans, the findings about its organisation's models; an admin's, every scan's. Filters: `model`
 * (the registered model a finding is about), `severity`, `limit` (scans looked at, default 100).
 * Reads that show gated or closed models by name are audited.
 */
import type { Hono } from "hono";
import { PedigreeError } from "../../errors.js";
import type { Env, Kit } from "../kit.js";

interface FindingDoc {
  id: string;
  severity: string;
  about?: string;
  [k: string]: unknown;
}

export function findingRoutes(app: Hono<Env>, k: Kit): void {
  const { o } = k;
  app.get("/api/findings", k.may("findings"), async (c) => {
    const p = c.get("principal");
    const limit = Number(c.req.query("limit") ?? "100");
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new PedigreeError("usage", "limit must be a whole number from 1 to 1000");
    const model = c.req.query("model");
    const severity = c.req.query("severity");
    const registered = await o.registry.list();
    const ours = new Set(registered.filter((m) => p.role === "owner" && m.owner === p.org).map((m) => m.name));
    const closed = new Set(registered.filter((m) => m.tier !== "open").map((m) => m.name));
    // owners and admins look at everyone's scans; the others at their own
    const jobs = await o.pool.finished("scan", p.role === "owner" || p.role === "admin" ? null : p.tokenId, limit);
    const out: Array<Record<string, unknown>> = [];
    for (const job of jobs) {
      const mine = job.tokenId === p.tokenId;
      if (!mine && p.role === "owner" && !(job.result as { document: { matches: Array<{ name: string }> } }).document.matches.some((m) => ours.has(m.name))) continue;
      const view = await k.scanOf(job, p);
      if (!view) continue;
      const doc = view.document as unknown as { suspect: { name: string | null; path: string }; findings: FindingDoc[] };
      const suspect = doc.suspect.name ?? doc.suspect.path;
      for (const f of doc.findings) {
        if (!mine && p.role === "owner" && !(f.about && ours.has(f.about))) continue;
        if ((model && f.about !== model) || (severity && f.severity !== severity)) continue;
        out.push({ jobId: job.id, finishedAt: job.finishedAt, suspect, mine, ...f });
      }
    }
    const shown = [...new Set(out.map((f) => f.about).filter((a): a is string => typeof a === "string" && closed.has(a)))];
    if (shown.length) await o.state.audit(p, "read-findings", "findings", { models: shown });
    return c.json({ findings: out });
  });
}
