/**
 * @module report/table
 * Plain-text tables with aligned columns.
 */
import { escapeControls } from "../errors.js";

/** Cells are escaped (controls, bidi) before they are measured. */
export function table(headerRaw: string[], rowsRaw: string[][]): string {
  const header = headerRaw.map(escapeControls);
  const rows = rowsRaw.map((r) => r.map(escapeControls));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
