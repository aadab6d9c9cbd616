/**
 * @module server/visibility
 * What each principal may see of the registry, and documents redacted for it. Admins see all;
 * an owner sees open models and its own organisation's; analysts and the public see open models.
 * In a scan, a match against a model the viewer may not see is named only "a closed model of
 * <org>" (or "a gated model of <org>") for analysts and owners, and left out for the public (who
 * scan against open models only: the public document is the scan as if only the models it may see
 * had matched, and has no BOM exports when something was left out). Fingerprints never leave the server in any document.
 */
import { DEFAULT_FAIL_ON, failing, parseFailOn } from "../policy/fail-on.js";
import type { Finding } from "../policy/report-input.js";
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

interface ScanMatchDoc {
  name: string;
  owner: string;
  tier: string;
  [k: string]: unknown;
}

/**
 * A scan job's result as `p` may see it. `result` is { document, exports }; the registered models
 * it mentions are looked up in `models` (name -> owner, tier).
 */
export function redactScan(p: Principal, result: { document: { matches: ScanMatchDoc[]; derivedFrom: string[]; ancestorOf: string[]; findings: Array<{ about?: string }> }; exports?: Record<string, unknown> }, models: Map<string, { owner: string; tier: string }>): unknown {
  const hidden = new Map<string, { owner: string; tier: string }>();
  for (const m of result.document.matches) {
    const info = models.get(m.name) ?? { owner: m.owner, tier: m.tier };
    if (!canSee(p, info)) hidden.set(m.name, info);
  }
  if (hidden.size === 0) return result;
  const doc = result.document;
  const exports = result.exports;
  if (p.role === "public") {
    // as if the scan had been against the open models only: no trace of the others, not even a
    // mask (which would tell that a closed model of some organisation matched)
    const keep = (n: string) => !hidden.has(n);
    const findings = doc.findings.filter((f) => !f.about || keep(f.about));
    return {
      document: {
        ...doc, matches: doc.matches.filter((m) => keep(m.name)), derivedFrom: doc.derivedFrom.filter(keep), ancestorOf: doc.ancestorOf.filter(keep),
        findings, exitCode: failing(findings as Finding[], parseFailOn(DEFAULT_FAIL_ON)).length > 0 ? 1 : 0,
      },
    };
  }
  const masks = new Map([...hidden].map(([n, m]) => [n, maskedName(m)]));
  return replaceNames({ document: doc, ...(exports ? { exports } : {}) }, masks);
}
