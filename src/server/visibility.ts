/**
 * @module server/visibility
 * What each principal may see of the registry, and documents redacted for it. Admins see all;
 * an owner sees open models and its own organisation's; analysts and the public see open models.
 * In a scan, a match against a model the viewer may not see is named only "a closed model of
 * <org>" (or "a gated model of <org>") for analysts and owners, and left out for the public (who
 * scan against open models only: their document and exports are the scan as if only the open
 * models were registered). Only admins learn the registry's size (api/scan-views.ts). A scan's
 * behaviour section names registered models too (its targets, controls, identical ones): masked
 * the same way (api/behaviour-views.ts says what each view keeps of it).
 * Fingerprints never leave the server in any document.
 */
import type { Principal } from "./roles.js";

export interface Visible {
  name: string;
  owner: string;
  tier: string;
}

export function canSee(p: Principal, m: { owner: string; tier: string }): boolean {
  if (p.role === "admin") return true;
  if (m.tier === "open") return true;
  return p.role === "owner" && p.org === m.owner;
}

/** "a closed model of <org>". */
export function maskedName(m: { owner: string; tier: string }): string {
  return `a ${m.tier} model of ${m.owner}`;
}

/** Replace every value equal to a hidden name, and every quoted occurrence of it in text. */
function replaceNames(v: unknown, names: Map<string, string>): unknown {
  if (typeof v === "string") {
    const exact = names.get(v);
    if (exact !== undefined) return exact;
    let s = v;
    for (const [name, mask] of names) s = s.split(JSON.stringify(name)).join(JSON.stringify(mask));
    return s;
  }
  if (Array.isArray(v)) return v.map((x) => replaceNames(x, names));
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replaceNames(x, names)]));
  return v;
}

/** A finished scan job's result as stored: the full scan, and the views of api/scan-views.ts. */
export interface StoredScan {
  document: ScanDoc;
  exports: Record<string, unknown>;
  views?: { bounded: ScanView; open: ScanView };
  bound?: number;
}

interface ScanDoc {
  matches: Array<{ name: string; owner: string; tier: string; [k: string]: unknown }>;
  findings: Array<{ about?: string; [k: string]: unknown }>;
  [k: string]: unknown;
}

export interface ScanView {
  document: ScanDoc;
  exports: Record<string, unknown>;
}

/** The registered models a scan's behaviour section names: its targets, their controls, the identical and derived ones. */
export function behaviourNames(doc: Record<string, unknown>): string[] {
  const b = doc.behaviour as { candidates?: Array<{ name: string; controls?: Array<{ name: string }> }>; identical?: string[]; derived?: string[] } | undefined;
  if (!b) return [];
  return [...new Set([...(b.candidates ?? []).flatMap((c) => [c.name, ...(c.controls ?? []).map((x) => x.name)]), ...(b.identical ?? []), ...(b.derived ?? [])])];
}

/** Stands for a model a behaviour section names that is no longer registered (its tier unknown). */
const UNKNOWN_MODEL = "a model no longer registered";

/**
 * A scan job's result as `p` may see it: admins the full scan; the public the scan against open
 * models only; owners and analysts the bounded scan (no registry size), every match against a
 * model they may not see named "a closed model of <org>" wherever its name appears. The
 * registered models a document mentions are looked up in `models` (name -> owner, tier). Null
 * for a job stored without its views (made by an older server): only admins read those.
 */
export function scanView(p: Principal, result: StoredScan, models: Map<string, { owner: string; tier: string }>): ScanView | null {
  if (p.role === "admin") return { document: result.document, exports: result.exports };
  if (!result.views) return null;
  if (p.role === "public") return result.views.open;
  const view = result.views.bounded;
  const masks = new Map<string, string>();
  for (const m of view.document.matches) {
    const info = models.get(m.name) ?? { owner: m.owner, tier: m.tier };
    if (!canSee(p, info)) masks.set(m.name, maskedName(info));
  }
  for (const name of behaviourNames(view.document)) {
    const info = models.get(name) ?? view.document.matches.find((m) => m.name === name);
    if (!info) masks.set(name, UNKNOWN_MODEL);
    else if (!canSee(p, info)) masks.set(name, maskedName(info));
  }
  if (masks.size === 0) return view;
  // a masked match keeps its evidence, not the hidden model's own metadata
  const matches = view.document.matches.map((m) => (masks.has(m.name) ? { ...m, license: null, declaredBase: null } : m));
  return replaceNames({ ...view, document: { ...view.document, matches } }, masks) as ScanView;
}
