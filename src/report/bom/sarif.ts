/**
 * @module report/bom/sarif
 * Findings as SARIF 2.1.0: one run of the tool "pedigree" with one rule per finding id, one result per
 * finding (level from severity), located at the model's files, with the evidence in `properties`.
 */
import type { Finding, FindingId, ReportInput, Severity } from "../../policy/report-input.js";
import { fileUri } from "./common.js";

export const SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

type Json = Record<string, unknown>;

/** What each finding id means (rule descriptions). */
export const FINDING_RULES: Record<FindingId, { name: string; short: string; full: string }> = {
  "leak": {
    name: "WeightsLeak",
    short: "Weights of a closed or gated model found in this model.",
    full: "The model's weights derive from a model whose weights were not released (closed) — a leak or an unauthorised copy.",
  },
  "gated-redistribution": {
    name: "GatedRedistribution",
    short: "Weights of a gated model redistributed.",
    full: "The model carries the weights of a model that is only available after accepting terms (gated), redistributed without that gate.",
  },
  "undisclosed-base": {
    name: "UndisclosedBase",
    short: "The model derives from a base it does not declare.",
    full: "The weight evidence shows a base model that the model card and metadata do not name.",
  },
  "false-base-claim": {
    name: "FalseBaseClaim",
    short: "A declared base model is not in the weights.",
    full: "The model declares a base model, but its weights are independent of that base.",
  },
  "licence-obligation": {
    name: "LicenceObligation",
    short: "An obligation of an ancestor's licence is not met.",
    full: "A term of an ancestor model's licence (name prefix, attribution, notice, licence copy, no relicensing, non-commercial or share-alike terms) is broken by this model.",
  },
  "architecture-only": {
    name: "ArchitectureOnly",
    short: "Same architecture as a known model, independent weights.",
    full: "The model shares an architecture with a registered model but its weights are independent (informational).",
  },
  "unreadable-declaration": {
    name: "UnreadableDeclaration",
    short: "What the model declares could not be read.",
    full: "The model card's front matter (or another declaration file) is broken; declared licences and base models there were not seen, and the scan went on from the weights.",
  },
  "derivation": {
    name: "Derivation",
    short: "The model shares weights with a registered model.",
    full: "The weight evidence shows that the model derives from (or is an ancestor of) a registered model (informational: what follows from it is in the other findings).",
  },
};

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { critical: "error", high: "error", medium: "warning", low: "note", info: "note" };
const RANK: Record<Severity, number> = { critical: 9.5, high: 8, medium: 5.5, low: 3, info: 0 };

function result(f: Finding, ruleIndex: number, input: ReportInput): Json {
  const locations = input.model.files.length > 0
    ? input.model.files.map((file, i) => ({ id: i, physicalLocation: { artifactLocation: { uri: fileUri(file.file), index: i } } }))
    : [{ physicalLocation: { artifactLocation: { uri: fileUri(input.model.path) } } }];
  return {
    ruleId: f.id,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: `${f.title}. ${f.detail} Fix: ${f.fix}` },
    locations,
    partialFingerprints: { "pedigreeFinding/v1": `${f.id}:${f.about ?? ""}:${f.license?.id ?? ""}:${f.title}` },
    properties: {
      severity: f.severity,
      "security-severity": String(RANK[f.severity]),
      title: f.title,
      fix: f.fix,
      ...(f.about ? { about: f.about } : {}),
      ...(f.license ? { license: f.license.id, clause: f.license.clause } : {}),
      evidence: f.evidence,
    },
  };
}

/** The findings of a report as a SARIF 2.1.0 log (plain JSON object). */
export function sarifLog(input: ReportInput): Json {
  const ids = [...new Set(input.findings.map((f) => f.id))];
  const rules = ids.map((id) => ({
    id,
    name: FINDING_RULES[id].name,
    shortDescription: { text: FINDING_RULES[id].short },
    fullDescription: { text: FINDING_RULES[id].full },
    defaultConfiguration: { level: id === "architecture-only" ? "note" : id === "licence-obligation" ? "warning" : "error" },
    properties: { tags: ["provenance", id === "licence-obligation" ? "licence" : "weights"] },
  }));
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [{
      tool: { driver: { name: input.tool.name, version: input.tool.version, semanticVersion: input.tool.version, rules } },
      invocations: [{ executionSuccessful: true, endTimeUtc: input.timestamp }],
      artifacts: input.model.files.map((f) => ({
        location: { uri: fileUri(f.file) },
        length: f.bytes,
        ...(f.partial ? { properties: { partialSha256: f.sha256, note: "sha256 of the first and last MiB only" } } : { hashes: { "sha-256": f.sha256 } }),
      })),
      results: input.findings.map((f) => result(f, ids.indexOf(f.id), input)),
      properties: {
        model: { name: input.model.name, path: input.model.path, format: input.model.format, architecture: input.model.architecture, parameters: input.model.parameters },
        ancestors: input.ancestors.map((a) => ({ name: a.name, relation: a.relation, direction: a.direction, log10PValue: a.log10PValue, license: a.license })),
      },
    }],
  };
}
