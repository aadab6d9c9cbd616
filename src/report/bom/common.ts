/**
 * @module report/bom/common
 * Small helpers the bill-of-materials and findings encoders share: a deterministic document id,
 * licence expressions, p-values and file URIs.
 */
import { createHash } from "node:crypto";
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import { findLicence } from "../../policy/licences/catalogue.js";
import type { LicenceInfo, ReportInput } from "../../policy/report-input.js";

/** A UUID (version 5 layout) derived from the report input, so that the same input gives the same document. */
export function documentUuid(input: ReportInput, salt: string): string {
  const h = createHash("sha256").update(salt).update("\u0000").update(JSON.stringify(input)).digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x50;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** The SPDX identifier of a licence, when it has one. */
export function spdxIdOf(l: LicenceInfo): string | undefined {
  return findLicence(l.id)?.spdx;
}

/** An SPDX licence-ref for licences without an SPDX id ("LicenseRef-llama3.1"). */
export function licenseRef(l: LicenceInfo): string {
  return `LicenseRef-${l.id.replace(/[^A-Za-z0-9.-]+/g, "-").replace(/^-+|-+$/g, "") || "other"}`;
}

/** Distinct licences (by id and name), keeping the first of each and every source it came from. */
export function distinctLicences(list: readonly LicenceInfo[]): Array<LicenceInfo & { sources: string[] }> {
  const out: Array<LicenceInfo & { sources: string[] }> = [];
  for (const l of list) {
    const same = out.find((o) => o.id === l.id && o.acknowledgement === l.acknowledgement && (o.id !== "other" || o.name === l.name));
    if (same) {
      if (!same.sources.includes(l.source)) same.sources.push(l.source);
    } else out.push({ ...l, sources: [l.source] });
  }
  return out;
}

/** p-value from its log10, as a plain number (0 below the double range). */
export function pValue(log10P: number): number {
  return log10P < -323 ? 0 : Math.min(1, 10 ** log10P);
}

/** A file path as a URI reference: relative paths stay relative (forward slashes), absolute ones become file: URLs. */
export function fileUri(path: string): string {
  if (isAbsolute(path)) return pathToFileURL(path).href;
  return path.split(/[\\/]/).map(encodeURIComponent).join("/");
}

/** Model params that are plain scalars, as strings (for properties and hyper-parameters). */
export function scalarParams(params: Record<string, unknown>): Array<[string, string]> {
  return Object.entries(params)
    .filter(([, v]) => typeof v === "string" || typeof v === "number" || typeof v === "boolean")
    .map(([k, v]) => [k, String(v)]);
}

/** A string-valued param, if set. */
export function stringParam(params: Record<string, unknown>, key: string): string | undefined {
  const v = params[key];
  return typeof v === "string" && v !== "" ? v : undefined;
}
