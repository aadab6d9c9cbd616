/**
 * @module policy/findings/relatives
 * The registered models a scan found sharing weights with the suspect, split by kinship (scan/kinship.ts):
 * its ancestors (the registered model came first, or the evidence cannot tell; the parent first),
 * its descendants (built on the suspect), and collateral relatives (siblings on another branch
 * below an ancestor, quantized or scrambled copies that cannot be its ancestors). Findings about
 * obligations follow ancestors only.
 */
import { pText as pLog10Text } from "../../verdict/p-text.js";
import { sameModelName } from "../../scan/names.js";
import type { ScanMatch } from "../../scan/scan.js";
import { ALPHA_DERIVED } from "../../verdict/decide.js";

export function ancestorsOf(matches: readonly ScanMatch[]): ScanMatch[] {
  return matches.filter((m) => m.verdict === "derived" && !m.sameFile && (m.kinship ? m.kinship === "parent" || m.kinship === "ancestor" : m.direction !== "suspect is the ancestor"));
}

/** Relatives that are neither ancestors nor descendants: siblings (another branch below an ancestor) and other relatives. */
export function collateralOf(matches: readonly ScanMatch[]): ScanMatch[] {
  return matches.filter((m) => m.verdict === "derived" && !m.sameFile && (m.kinship === "sibling" || m.kinship === "relative"));
}

/** The registered entry whose very file is being scanned, if any. */
export function selfOf(matches: readonly ScanMatch[]): ScanMatch | undefined {
  return matches.find((m) => m.verdict === "derived" && m.sameFile);
}

/** A copy with the registered model's weights and name (a mirror, not a new model). */
export function isMirror(suspectName: string, m: ScanMatch): boolean {
  const kinds = m.result.transforms.map((t) => t.kind);
  return sameModelName(suspectName, m.model.name) && kinds.some((k) => k === "identical" || k === "no-other-change") && kinds.every((k) => ["identical", "no-other-change", "converted", "quantized"].includes(k));
}

export function descendantsOf(matches: readonly ScanMatch[]): ScanMatch[] {
  return matches.filter((m) => m.verdict === "derived" && !m.sameFile && (m.kinship ? m.kinship === "descendant" : m.direction === "suspect is the ancestor"));
}

/** p-value for display, from ln p. */
export function pText(logP: number): string {
  return pLog10Text(logP / Math.LN10);
}

/** Numbers that back a weight finding. */
export function weightEvidence(m: ScanMatch): Record<string, string | number | boolean | null> {
  return {
    registered: m.model.name,
    log10PValue: Math.round((m.logP / Math.LN10) * 100) / 100,
    pValueThreshold: ALPHA_DERIVED,
    correctedForModels: m.result.tests,
    matchedFraction: Math.round(m.result.effect.matchedFraction * 1000) / 1000,
    unitSimilarity: Math.round(m.result.effect.unitSimilarity * 1000) / 1000,
    transforms: m.result.transforms.map((t) => t.kind).join(", ") || null,
    route: m.route,
    direction: m.direction,
    kinship: m.kinship,
  };
}

/** The transforms as a short phrase ("quantized, permuted"). */
export function whatWasDone(m: ScanMatch): string {
  const kinds = [...new Set(m.result.transforms.map((t) => t.kind))];
  return kinds.length ? kinds.join(", ") : "no change detected";
}
