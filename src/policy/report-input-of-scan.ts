/**
 * @module policy/report-input-of-scan
 * A scan and its findings as the ReportInput that the BOM and SARIF encoders take.
 */
import type { ScanMatch, ScanResult } from "../scan/scan.js";
import { VERSION } from "../version.js";
import { derivationKind } from "./findings/licence.js";
import type { AncestorInfo, Finding, ReportInput } from "./report-input.js";
import type { SuspectFacts } from "./suspect.js";

function ancestor(m: ScanMatch): AncestorInfo {
  return {
    name: m.model.name, owner: m.model.owner, tier: m.model.tier, license: m.model.license,
    log10PValue: Math.round((m.logP / Math.LN10) * 100) / 100,
    relation: derivationKind(m),
    transforms: [...new Set(m.result.transforms.map((t) => t.kind))],
    layerMap: m.result.layerMap.map((l) => ({ a: l.a, b: l.b })),
    // siblings and other relatives are variants whatever the pair alone suggested
    direction: m.kinship === "sibling" || m.kinship === "relative" ? "unknown" : m.kinship === "descendant" || m.direction === "suspect is the ancestor" ? "descendant" : m.direction === "registered is the ancestor" ? "ancestor" : "unknown",
  };
}

export function reportInputOfScan(s: SuspectFacts, scan: ScanResult, findings: Finding[], timestamp = new Date().toISOString()): ReportInput {
  const sum = scan.suspect.summary;
  const card = scan.suspect.declared;
  return {
    tool: { name: "pedigree", version: VERSION },
    timestamp,
    model: {
      name: s.name, path: s.path, format: sum.format, architecture: sum.architecture, parameters: sum.parameters,
      files: sum.files, declaredLicenses: s.declaredLicences, declaredBaseModels: s.declaredBases,
      config: { ...sum.params, ...(card.author ? { supplier: card.author } : {}), ...(sum.quantized ? { quantized: sum.quantized } : {}) },
    },
    ancestors: scan.matches.filter((m) => m.verdict === "derived").map(ancestor),
    findings,
  };
}
