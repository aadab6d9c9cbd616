/**
 * @module policy/findings/licence
 * Obligations the suspect owes its ancestors' licences (policy/licences/obligations.ts), checked
 * against what it ships: one set per licence, about the closest ancestor under that licence.
 * Closed ancestors are a leak, not a licence question; their terms are not checked.
 */
import type { ScanMatch } from "../../scan/scan.js";
import { licenceObligations, obligationFindings, type DerivationKind } from "../licences/obligations.js";
import type { Finding } from "../report-input.js";
import type { SuspectFacts } from "../suspect.js";
import { ancestorsOf } from "./relatives.js";

/** How the suspect was derived, as the licence terms distinguish it. */
export function derivationKind(m: ScanMatch): DerivationKind {
  const kinds = new Set(m.result.transforms.map((t) => t.kind));
  if (kinds.has("merged")) return "merge";
  if (kinds.has("low-rank-update")) return "adapter";
  const changed = [...kinds].filter((k) => !["quantized", "converted", "identical", "no-other-change", "permuted", "rotated", "scaled"].includes(k));
  if (changed.length === 0) return kinds.has("quantized") ? "quantized" : "conversion";
  return "finetune";
}

export function licenceFindings(s: SuspectFacts, matches: readonly ScanMatch[]): Finding[] {
  const byLicence = new Map<string, ScanMatch>();
  for (const m of ancestorsOf(matches)) {
    if (m.model.tier === "closed") continue;
    const id = m.model.license ?? "unknown";
    if (!byLicence.has(id)) byLicence.set(id, m);
  }
  const out: Finding[] = [];
  for (const [licence, m] of byLicence) {
    const broken = licenceObligations(licence, { name: s.name, declaredLicences: s.declaredLicences, cardText: s.cardText, files: s.files, relation: derivationKind(m) });
    out.push(...obligationFindings(broken, s.name, m.model.name));
  }
  return out;
}
