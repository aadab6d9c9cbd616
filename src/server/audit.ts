/**
 * @module server/audit
 * Owners' alerts: every match of a finished scan against a gated or closed model, for its owner,
 * with the p-value of the bounded view (api/scan-views.ts): owners may not learn the registry's
 * size either. (The alerts and the append-only audit log are kept by the server's state.)
 */
import type { Job, ServerState } from "./state/state.js";

interface ScanMatches {
  document: { suspect: { path: string }; matches: Array<{ name: string; owner: string; tier: string; verdict: string; log10PValue: number }> };
}

export async function recordAlerts(state: ServerState, job: Job): Promise<void> {
  if (job.kind !== "scan") return;
  const r = job.result as ScanMatches & { views?: { bounded: ScanMatches } };
  const doc = (r.views?.bounded ?? r).document;
  const suspect = typeof job.params.filename === "string" ? `upload ${job.params.filename}` : doc.suspect.path;
  for (const m of doc.matches) {
    if (m.tier === "open" || m.verdict === "independent") continue;
    await state.addAlert(m.owner, { model: m.name, tier: m.tier, jobId: job.id, suspect, verdict: m.verdict, log10PValue: m.log10PValue, at: new Date().toISOString() }, job.tokenId);
  }
}
