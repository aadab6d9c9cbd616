/**
 * @module policy/findings
 * Every finding of a scan, most severe first: provenance (leak, gated redistribution, derivation),
 * base-model claims, licence obligations, shared architecture without shared weights, declarations
 * that could not be read.
 */
import type { ScanResult } from "../../scan/scan.js";
import type { TracedCopies } from "../../trace/scan-trace.js";
import type { Finding, Severity } from "../report-input.js";
import type { SuspectFacts } from "../suspect.js";
import { architectureFindings } from "./architecture.js";
import { baseClaimFindings } from "./base-claims.js";
import { declarationFindings } from "./declarations.js";
import { licenceFindings } from "./licence.js";
import { provenanceFindings } from "./provenance.js";

export const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low", "info"];

export function severityRank(s: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(s);
}

/** `traced`: for `scan --master --key-file`, which issued copies the suspect's marks point to, by registered model. */
export function scanFindings(s: SuspectFacts, scan: ScanResult, traced?: ReadonlyMap<string, TracedCopies>): Finding[] {
  const all = [...provenanceFindings(s, scan.matches, traced), ...baseClaimFindings(s, scan.matches), ...licenceFindings(s, scan.matches), ...architectureFindings(s.name, scan), ...declarationFindings(s)];
  return all.map((f, i) => ({ f, i })).sort((x, y) => severityRank(y.f.severity) - severityRank(x.f.severity) || x.i - y.i).map((x) => x.f);
}

