/**
 * @module api/scan-export
 * A scan outcome as a document for other tools: CycloneDX 1.6, SPDX 3.0.1, SARIF 2.1.0, the
 * report input they are all made from, or the scan's own JSON document.
 */
import { reportInputOfScan } from "../policy/report-input-of-scan.js";
import { cyclonedxBom } from "../report/bom/cyclonedx.js";
import { reportInputDocument } from "../report/bom/json.js";
import { sarifLog } from "../report/bom/sarif.js";
import { spdxDocument } from "../report/bom/spdx.js";
import type { ScanOutcome } from "./scan.js";

export const SCAN_EXPORTS = ["json", "cyclonedx", "spdx", "sarif", "report-input"] as const;
export type ScanExport = (typeof SCAN_EXPORTS)[number];

export function scanExport(o: ScanOutcome, kind: ScanExport): unknown {
  if (kind === "json") return o.document;
  const input = reportInputOfScan(o.facts, o.scan, o.findings);
  switch (kind) {
    case "cyclonedx": return cyclonedxBom(input);
    case "spdx": return spdxDocument(input);
    case "sarif": return sarifLog(input);
    case "report-input": return reportInputDocument(input);
  }
}
