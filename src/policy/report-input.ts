/**
 * @module policy/report-input
 * What the bill-of-materials and findings encoders receive: the scanned model, its verified
 * ancestors (from `scan`), and the findings. Encoders take this document, never domain objects.
 */

export type Severity = "critical" | "high" | "medium" | "low" | "info";

export const FINDING_IDS = ["leak", "gated-redistribution", "undisclosed-base", "false-base-claim", "licence-obligation", "architecture-only", "derivation", "unreadable-declaration"] as const;
export type FindingId = (typeof FINDING_IDS)[number];

export interface Finding {
  id: FindingId;
  severity: Severity;
  title: string;
  detail: string;
  /** The registered model the finding is about, if any. */
  about?: string;
  /** For licence obligations: the licence and clause. */
  license?: { id: string; clause: string };
  evidence: Record<string, string | number | boolean | null>;
  fix: string;
}

export interface LicenceInfo {
  /** SPDX identifier where one exists (e.g. "Apache-2.0"), else the Hub id ("llama3.1") or "other". */
  id: string;
  name: string;
  url?: string;
  /** Where it was read: card YAML, config.json, GGUF metadata, LICENSE file. */
  source: string;
  /** "declared" (the model says so) or "concluded" (pedigree's conclusion, e.g. inherited). */
  acknowledgement: "declared" | "concluded";
  /** For LICENSE files matched by text: similarity to the known text, and the text's fingerprint. */
  match?: { similarity: number; fingerprint: string };
}

export interface AncestorInfo {
  name: string;
  owner: string;
  tier: "open" | "gated" | "closed";
  license: string | null;
  /** log10 of the verdict's p-value (corrected). */
  log10PValue: number;
  relation: string;
  transforms: string[];
  /** B layer -> A layer, null where independent. */
  layerMap: Array<{ a: number | null; b: number }>;
  direction: "ancestor" | "descendant" | "unknown";
}

export interface ReportInput {
  tool: { name: "pedigree"; version: string };
  /** ISO timestamp. */
  timestamp: string;
  model: {
    name: string;
    path: string;
    format: string;
    architecture: string;
    parameters: number;
    files: Array<{ file: string; bytes: number; sha256: string; partial: boolean }>;
    declaredLicenses: LicenceInfo[];
    declaredBaseModels: string[];
    config: Record<string, unknown>;
  };
  ancestors: AncestorInfo[];
  findings: Finding[];
}
