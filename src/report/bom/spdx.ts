/**
 * @module report/bom/spdx
 * The report as SPDX 3.0.1 JSON-LD with the AI profile: a CreationInfo, the tool (as the SoftwareAgent that
 * creates the document and the Tool it is created with), an `ai_AIPackage` for the model with the properties
 * the profile requires (releaseTime, suppliedBy, software_downloadLocation, software_packageVersion,
 * software_primaryPurpose "model"), exactly one `hasDeclaredLicense` and one `hasConcludedLicense`
 * relationship, `verifiedUsing` SHA-256 hashes of its files, and each related registered model as a
 * `software_Package` linked by `descendantOf` (the model derives from it) / `ancestorOf` / `other`, with the
 * weight evidence in an Annotation on that relationship.
 */
import { findLicence } from "../../policy/licences/catalogue.js";
import type { AncestorInfo, LicenceInfo, ReportInput } from "../../policy/report-input.js";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { distinctLicences, documentUuid, fileUri, licenseRef, pValue, scalarParams, spdxIdOf, stringParam } from "./common.js";

export const SPDX_CONTEXT = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld";
export const SPDX_VERSION = "3.0.1";
/** The "no assertion" licence individual, in its JSON-LD compact form (used when no licence is known). */
export const NO_ASSERTION_LICENSE = "expandedlicensing_NoAssertionLicense";

type Json = Record<string, unknown>;

/** SPDX 3 date-times are whole seconds in UTC ("2024-03-06T00:00:00Z"). */
function spdxTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "1970-01-01T00:00:00Z" : d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function slug(s: string): string {
  return encodeURIComponent(s.replace(/[^A-Za-z0-9._~-]+/g, "-"));
}

/** One licence expression over the given licences ("A AND B"); custom licences as LicenseRef-…. */
function expression(list: ReadonlyArray<LicenceInfo>): { expr: string; refs: Array<[string, string]> } {
  const parts: string[] = [];
  const refs: Array<[string, string]> = [];
  for (const l of list) {
    const spdx = spdxIdOf(l);
    const term = spdx ?? licenseRef(l);
    if (!spdx && l.url && !refs.some(([k]) => k === term)) refs.push([term, l.url]);
    if (!parts.includes(term)) parts.push(term);
  }
  return { expr: parts.join(" AND "), refs };
}

/** The report input as an SPDX 3.0.1 JSON-LD document (plain JSON object). */
export function spdxDocument(input: ReportInput): Json {
  const uuid = documentUuid(input, "spdx");
  const ns = `https://spdx.org/spdxdocs/pedigree-${uuid}`;
  const ci = "_:creationinfo";
  const created = spdxTime(input.timestamp);
  const m = input.model;
  const ids = { agent: `${ns}/agent/pedigree`, tool: `${ns}/tool/pedigree`, model: `${ns}/model`, doc: `${ns}/document` };
  const graph: Json[] = [];
  const add = (e: Json) => {
    graph.push(e);
    return e["spdxId"] as string;
  };

  graph.push({ type: "CreationInfo", "@id": ci, specVersion: SPDX_VERSION, created, createdBy: [ids.agent], createdUsing: [ids.tool] });
  add({ type: "SoftwareAgent", spdxId: ids.agent, creationInfo: ci, name: `${input.tool.name} ${input.tool.version}` });
  add({ type: "Tool", spdxId: ids.tool, creationInfo: ci, name: input.tool.name, comment: `version ${input.tool.version}` });

  const orgs = new Map<string, string>();
  const org = (name: string) => {
    let id = orgs.get(name);
    if (!id) {
      id = add({ type: "Organization", spdxId: `${ns}/organization/${slug(name)}`, creationInfo: ci, name });
      orgs.set(name, id);
    }
    return id;
  };
  const hubId = stringParam(m.config, "hubId");
  const revision = stringParam(m.config, "revision");
  const supplier = stringParam(m.config, "supplier") ?? (hubId?.includes("/") ? hubId.split("/")[0] : undefined) ?? (m.name.includes("/") ? m.name.split("/")[0] : undefined);
  const releaseTime = stringParam(m.config, "releaseTime");
  const fullFiles = m.files.filter((f) => !f.partial);
  const notes = [
    releaseTime ? "" : "releaseTime: not stated by the model files; the report time is given.",
    supplier ? "" : "suppliedBy: not stated by the model files (NOASSERTION).",
    m.declaredBaseModels.length ? `Declared base models: ${m.declaredBaseModels.join(", ")}.` : "",
    m.files.some((f) => f.partial) ? "Files above 256 MiB are identified by the SHA-256 of their first and last MiB and are not listed in verifiedUsing." : "",
  ].filter((s) => s !== "");
  const hyper = scalarParams(m.config).filter(([k]) => !["hubId", "revision", "supplier", "releaseTime"].includes(k));

  add({
    type: "ai_AIPackage",
    spdxId: ids.model,
    creationInfo: ci,
    name: m.name,
    // The profile requires these; what the model files do not state is said so in `comment`.
    releaseTime: releaseTime ? spdxTime(releaseTime) : created,
    suppliedBy: org(supplier ?? "NOASSERTION"),
    software_downloadLocation: hubId ? `https://huggingface.co/${hubId}` : pathToFileURL(resolve(m.path)).href,
    software_packageVersion: revision ?? (fullFiles[0] ? `sha256:${fullFiles[0].sha256.slice(0, 12)}` : "NOASSERTION"),
    software_primaryPurpose: "model",
    ...(hubId && revision ? { software_packageUrl: `pkg:huggingface/${hubId}@${revision.toLowerCase()}` } : {}),
    verifiedUsing: fullFiles.map((f) => ({ type: "Hash", algorithm: "sha256", hashValue: f.sha256, comment: fileUri(f.file) })),
    ai_typeOfModel: [m.architecture],
    ...(hyper.length > 0 ? { ai_hyperparameter: hyper.map(([key, value]) => ({ type: "DictionaryEntry", key, value })) } : {}),
    ai_informationAboutApplication: `${m.format} weights, ${m.parameters} parameters, read from ${m.path}.`,
    ...(notes.length ? { comment: notes.join(" ") } : {}),
  });

  // Exactly one hasDeclaredLicense and one hasConcludedLicense relationship for the AI package.
  const declared = distinctLicences(m.declaredLicenses.filter((l) => l.acknowledgement === "declared"));
  const concluded = distinctLicences(m.declaredLicenses.filter((l) => l.acknowledgement === "concluded"));
  let licN = 0;
  const licenceElement = (list: ReadonlyArray<LicenceInfo & { sources?: string[] }>): string => {
    if (list.length === 0) return NO_ASSERTION_LICENSE;
    const { expr, refs } = expression(list);
    return add({
      type: "simplelicensing_LicenseExpression",
      spdxId: `${ns}/licence/${++licN}`,
      creationInfo: ci,
      simplelicensing_licenseExpression: expr,
      ...(refs.length ? { simplelicensing_customIdToUri: refs.map(([key, value]) => ({ type: "DictionaryEntry", key, value })) } : {}),
      comment: list.map((l) => `${l.id} (${l.name}) from ${(l.sources ?? [l.source]).join(", ")}${l.match ? `, text similarity ${l.match.similarity}, fingerprint ${l.match.fingerprint}` : ""}`).join("; "),
    });
  };
  let relN = 0;
  const relate = (from: string, type: string, to: string[], comment?: string) =>
    add({ type: "Relationship", spdxId: `${ns}/relationship/${++relN}`, creationInfo: ci, from, relationshipType: type, to, ...(comment ? { comment } : {}) });
  relate(ids.model, "hasDeclaredLicense", [licenceElement(declared)]);
  relate(ids.model, "hasConcludedLicense", [licenceElement(concluded)]);

  input.ancestors.forEach((a: AncestorInfo, i) => {
    const pkg = add({
      type: "software_Package",
      spdxId: `${ns}/related/${i + 1}`,
      creationInfo: ci,
      name: a.name,
      suppliedBy: org(a.owner),
      software_primaryPurpose: "model",
      comment: `Registered model (${a.tier} weights).`,
    });
    if (a.license) {
      const entry = findLicence(a.license);
      const info: LicenceInfo = { id: entry?.id ?? a.license, name: entry?.name ?? a.license, ...(entry?.url ? { url: entry.url } : {}), source: "registry", acknowledgement: "concluded" };
      relate(pkg, "hasConcludedLicense", [licenceElement([info])]);
    }
    const [from, type, to] = a.direction === "ancestor" ? [ids.model, "descendantOf", pkg] : a.direction === "descendant" ? [ids.model, "ancestorOf", pkg] : [ids.model, "other", pkg];
    const rel = relate(from, type, [to], a.direction === "unknown" ? "Shares weights with; direction not determined." : undefined);
    add({
      type: "Annotation",
      spdxId: `${ns}/evidence/${i + 1}`,
      creationInfo: ci,
      annotationType: "other",
      subject: rel,
      contentType: "application/json",
      statement: JSON.stringify({
        relation: a.relation, direction: a.direction, pValue: pValue(a.log10PValue), log10PValue: a.log10PValue,
        transforms: a.transforms, layerMap: a.layerMap, tier: a.tier,
      }),
    });
  });

  const elements = graph.filter((e) => typeof e["spdxId"] === "string").map((e) => e["spdxId"] as string);
  graph.push({
    type: "SpdxDocument",
    spdxId: ids.doc,
    creationInfo: ci,
    name: `pedigree report for ${m.name}`,
    profileConformance: ["core", "software", "simpleLicensing", "ai"],
    rootElement: [ids.model],
    element: elements,
  });
  return { "@context": SPDX_CONTEXT, "@graph": graph };
}
