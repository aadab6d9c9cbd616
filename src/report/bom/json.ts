/**
 * @module report/bom/json
 * The report input as JSON, unchanged, with a schema tag (the contract is src/policy/report-input.ts).
 */
import type { ReportInput } from "../../policy/report-input.js";

export const REPORT_INPUT_SCHEMA = "pedigree.report-input/2";

export type ReportInputDocument = { schema: typeof REPORT_INPUT_SCHEMA } & ReportInput;

export function reportInputDocument(input: ReportInput): ReportInputDocument {
  return { schema: REPORT_INPUT_SCHEMA, ...input };
}
