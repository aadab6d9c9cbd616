/**
 * @module report/scan-document
 * The `scan` report as JSON: a stable, versioned contract (docs/json.md). Every compared
 * registered model with its verdict and p-value (corrected for the registry's size), what was
 * done, the layer map, and the findings.
 */
import { ancestorsOf, collateralOf, descendantsOf } from "../policy/findings/relatives.js";
import type { Finding } from "../policy/report-input.js";
import type { SuspectFacts } from "../policy/suspect.js";
import type { ScanMatch, ScanResult } from "../scan/scan.js";
import { ALPHA_DERIVED } from "../verdict/decide.js";

export const SCAN_SCHEMA = "pedigree.scan/2";

const log10 = (lnP: number) => Math.round((lnP / Math.LN10) * 100) / 100;
const pOf = (lnP: number) => Math.min(1, Math.exp(lnP));
const r3 = (x: number) => Math.round(x * 1000) / 1000;

function match(m: ScanMatch) {
  return {
    name: m.model.name, owner: m.model.owner, tier: m.model.tier, license: m.model.license, declaredBase: m.model.declaredBase,
    verdict: m.verdict, pValue: pOf(m.logP), log10PValue: log10(m.logP), direction: m.direction,
    relation: m.verdict === "derived" ? m.relation : null, kinship: m.kinship, kinshipWhy: m.kinshipWhy || null,
    selectedBy: m.selectedBy, indexHits: m.indexHits, route: m.route,
    effectSizes: { matchedFraction: r3(m.result.effect.matchedFraction), unitSimilarity: r3(m.result.effect.unitSimilarity), relativeChange: m.result.effect.relativeChange === null ? null : r3(m.result.effect.relativeChange) },
    frame: m.result.frame.kind,
    transforms: m.result.transforms.map((t) => ({ kind: t.kind, detail: t.detail })),
    layerMap: m.result.layerMap.map((l) => ({ b: l.b, a: l.a, log10PValue: log10(l.logP) })),
    reason: m.result.reason,
  };
}

export function scanDocument(s: SuspectFacts, scan: ScanResult, findings: Finding[], exitCode: number) {
  const sum = scan.suspect.summary;
  return {
    schema: SCAN_SCHEMA,
    suspect: {
      name: s.name, path: s.path, format: sum.format, architecture: sum.architecture, parameters: sum.parameters,
      layers: sum.params.nLayers, dim: sum.params.dim, vocab: sum.params.vocab, quantized: sum.quantized, files: sum.files,
      declared: { baseModels: s.declaredBases, licenses: s.declaredLicences, claimsIndependentTraining: s.claimsIndependent },
    },
    registry: scan.registry,
    alpha: { derived: ALPHA_DERIVED },
    testsCorrectedFor: scan.tests,
    derivedFrom: scan.matches.filter((m) => m.verdict === "derived" && (m.sameFile || ancestorsOf([m]).length > 0)).map((m) => m.model.name),
    ancestorOf: descendantsOf(scan.matches).map((m) => m.model.name),
    relatives: collateralOf(scan.matches).map((m) => m.model.name),
    matches: scan.matches.map(match),
    findings,
    exitCode,
    timings: scan.timings,
  };
}

export type ScanDocument = ReturnType<typeof scanDocument>;
