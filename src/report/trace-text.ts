/**
 * @module report/trace-text
 * The text report of `pedigree trace` (fits 80 columns).
 */
import { escapeControls } from "../errors.js";
import type { IssuedTrace } from "../trace/trace-issued.js";

function p(log10: number): string {
  return log10 > -4 ? (10 ** log10).toPrecision(2) : `1e${Math.floor(log10)}`;
}

export function traceText(r: IssuedTrace, suspect: string): string {
  const lines: string[] = [];
  const name = suspect.length > 60 ? `...${suspect.slice(-57)}` : suspect;
  lines.push(`trace ${name}`);
  lines.push(`  against ${r.tested} recipient${r.tested === 1 ? "" : "s"} of ${r.model}; named at p <= ${r.level} (corrected)`);
  if (r.named.length === 0) {
    lines.push("  no recipient named");
    if (r.best) lines.push(`  strongest: ${r.best.recipient.slice(0, 32)} p = ${p(r.best.log10P)} (not significant)`);
  } else {
    lines.push(`  NAMED: ${r.named.length}`);
    for (const a of r.named) lines.push(`    ${a.recipient.slice(0, 32).padEnd(32)} p = ${p(a.log10P).padEnd(8)} strength ${a.strength.toFixed(4)}`);
  }
  const mapped = r.layerMap.filter((x) => x !== null).length;
  const dropped = r.layerMap.length - mapped;
  lines.push(`  frame: ${r.frame.kind}; layers aligned ${mapped}/${r.layerMap.length}${dropped ? ` (${dropped} unaligned)` : ""}`);
  lines.push(`  entries: ${r.entries.aligned} aligned, ${r.entries.scored} scored`);
  lines.push(`  change from the master: ${(100 * r.change).toFixed(2)} % of row RMS`);
  if (r.otherKey.length) lines.push(`  not tested (marked with another key): ${r.otherKey.length}`);
  for (const n of r.notes) lines.push(`  note: ${n}`);
  return lines.map(escapeControls).join("\n");
}
