/**
 * @module report/bom/cyclonedx
 * The report as a CycloneDX 1.6 ML-BOM (JSON): the model is a `machine-learning-model` component with its
 * model card (architecture), the SHA-256 of its files, its licences (declared and concluded, with
 * `acknowledgement`), and `pedigree.ancestors` holding each verified ancestor — with the weight evidence as
 * namespaced properties (`pedigree:pValue`, `pedigree:relation`, `pedigree:layerMap`, …) and as
 * `evidence.identity` (the fingerprint match). Built as plain JSON: @cyclonedx/cyclonedx-library's
 * Component model has no `modelCard` or `pedigree`. Validated against the official schema in the tests.
 */
import { findLicence } from "../../policy/licences/catalogue.js";
import type { AncestorInfo, Finding, LicenceInfo, ReportInput } from "../../policy/report-input.js";
import { distinctLicences, documentUuid, fileUri, pValue, scalarParams, spdxIdOf, stringParam } from "./common.js";

export const CYCLONEDX_SPEC_VERSION = "1.6";
const TOOL_REF = "tool:pedigree";
const MODEL_REF = "model";

type Json = Record<string, unknown>;

const prop = (name: string, value: string | number | boolean) => ({ name, value: String(value) });

function licences(list: readonly LicenceInfo[]): Json[] {
  return distinctLicences(list).map((l) => {
    const spdx = spdxIdOf(l);
    const properties = [
      ...l.sources.map((s) => prop("pedigree:licenceSource", s)),
      ...(l.match ? [prop("pedigree:licenceTextSimilarity", l.match.similarity), prop("pedigree:licenceTextFingerprint", l.match.fingerprint)] : []),
      ...(spdx ? [] : [prop("pedigree:licenceId", l.id)]),
    ];
    return {
      license: {
        ...(spdx ? { id: spdx } : { name: l.name }),
        acknowledgement: l.acknowledgement,
        ...(l.url ? { url: l.url } : {}),
        properties,
      },
    };
  });
}

function ancestorLicence(a: AncestorInfo): Json[] {
  if (!a.license) return [];
  const entry = findLicence(a.license);
  return licences([{ id: entry?.id ?? a.license, name: entry?.name ?? a.license, ...(entry?.url ? { url: entry.url } : {}), source: "registry", acknowledgement: "concluded" }]);
}

/** Confidence that the ancestor is real: 1 − p (the verdict's corrected p-value). */
const confidence = (a: AncestorInfo) => Math.max(0, Math.min(1, Math.round((1 - pValue(a.log10PValue)) * 1e6) / 1e6));

function ancestorComponent(a: AncestorInfo, i: number): Json {
  const mapped = a.layerMap.filter((m) => m.a !== null).length;
  return {
    type: "machine-learning-model",
    "bom-ref": `${a.direction === "descendant" ? "descendant" : a.direction === "unknown" ? "relative" : "ancestor"}:${i}`,
    supplier: { name: a.owner },
    group: a.owner,
    name: a.name,
    licenses: ancestorLicence(a),
    properties: [
      prop("pedigree:relation", a.relation),
      prop("pedigree:direction", a.direction),
      prop("pedigree:pValue", pValue(a.log10PValue)),
      prop("pedigree:log10PValue", a.log10PValue),
      prop("pedigree:tier", a.tier),
      prop("pedigree:transforms", a.transforms.join(",")),
      prop("pedigree:layerMap", JSON.stringify(a.layerMap.map((m) => [m.b, m.a]))),
      prop("pedigree:layersMapped", `${mapped}/${a.layerMap.length}`),
    ],
    evidence: {
      identity: [{
        field: "name",
        confidence: confidence(a),
        concludedValue: a.name,
        methods: [{
          technique: "binary-analysis",
          confidence: confidence(a),
          value: `weight fingerprint comparison: ${a.relation}, log10 p = ${a.log10PValue}${a.transforms.length ? `, transforms: ${a.transforms.join(", ")}` : ""}`,
        }],
        tools: [TOOL_REF],
      }],
    },
  };
}

function risks(findings: readonly Finding[]): Json[] {
  return findings
    .filter((f) => f.severity !== "info")
    .map((f) => ({ name: `[${f.severity}] ${f.title}: ${f.detail}`, mitigationStrategy: f.fix }));
}

/** The report input as a CycloneDX 1.6 BOM (plain JSON object). */
export function cyclonedxBom(input: ReportInput): Json {
  const m = input.model;
  const arch = stringParam(m.config, "modelArchitecture") ?? (Array.isArray(m.config["architectures"]) && typeof m.config["architectures"][0] === "string" ? m.config["architectures"][0] : m.architecture);
  const task = stringParam(m.config, "task");
  const hubId = stringParam(m.config, "hubId");
  const revision = stringParam(m.config, "revision");
  const fullFiles = m.files.filter((f) => !f.partial);
  const ancestors = input.ancestors.map(ancestorComponent);
  const considerations = risks(input.findings);
  const model: Json = {
    type: "machine-learning-model",
    "bom-ref": MODEL_REF,
    name: m.name,
    ...(revision ? { version: revision.toLowerCase() } : {}),
    ...(hubId && revision ? { purl: `pkg:huggingface/${hubId}@${revision.toLowerCase()}` } : {}),
    hashes: fullFiles.map((f) => ({ alg: "SHA-256", content: f.sha256 })),
    licenses: licences(m.declaredLicenses),
    ...(hubId ? { externalReferences: [{ type: "distribution", url: `https://huggingface.co/${hubId}` }, { type: "model-card", url: `https://huggingface.co/${hubId}/blob/${revision ?? "main"}/README.md` }] } : {}),
    pedigree: {
      ancestors: ancestors.filter((_, i) => input.ancestors[i]?.direction === "ancestor"),
      descendants: ancestors.filter((_, i) => input.ancestors[i]?.direction === "descendant"),
      variants: ancestors.filter((_, i) => input.ancestors[i]?.direction === "unknown"),
      notes: input.ancestors.length === 0
        ? "No registered model shares this model's weights."
        : input.ancestors.map((a) => `${a.name}: ${a.relation} (${a.direction}), log10 p = ${a.log10PValue}`).join("; "),
    },
    modelCard: {
      "bom-ref": "model-card",
      modelParameters: {
        ...(task ? { task } : {}),
        architectureFamily: m.architecture,
        modelArchitecture: arch,
      },
      ...(considerations.length > 0 ? { considerations: { ethicalConsiderations: considerations } } : {}),
      properties: [prop("pedigree:parameters", m.parameters), prop("pedigree:format", m.format)],
    },
    properties: [
      prop("pedigree:path", m.path),
      prop("pedigree:format", m.format),
      prop("pedigree:parameters", m.parameters),
      ...m.declaredBaseModels.map((b) => prop("pedigree:declaredBaseModel", b)),
      ...m.files.flatMap((f) => [
        prop("pedigree:file", fileUri(f.file)),
        ...(f.partial ? [prop("pedigree:filePartialSha256", `${fileUri(f.file)} ${f.sha256} (first and last MiB of ${f.bytes} bytes)`)] : []),
      ]),
      ...scalarParams(m.config).map(([k, v]) => prop(`pedigree:param:${k}`, v)),
      ...input.findings.map((f) => prop(`pedigree:finding:${f.id}`, `${f.severity}: ${f.title}`)),
    ],
  };
  for (const key of ["ancestors", "descendants", "variants"] as const) {
    const p = model["pedigree"] as Json;
    if ((p[key] as Json[]).length === 0) delete p[key];
  }
  return {
    bomFormat: "CycloneDX",
    specVersion: CYCLONEDX_SPEC_VERSION,
    serialNumber: `urn:uuid:${documentUuid(input, "cyclonedx")}`,
    version: 1,
    metadata: {
      timestamp: input.timestamp,
      tools: { components: [{ type: "application", "bom-ref": TOOL_REF, name: input.tool.name, version: input.tool.version }] },
      properties: [prop("pedigree:findings", input.findings.length), prop("pedigree:ancestors", input.ancestors.length)],
    },
    components: [model],
  };
}
