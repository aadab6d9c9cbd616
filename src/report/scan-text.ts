/**
 * @module report/scan-text
 * The `scan` report for people: what the suspect is, which registered models it shares weights
 * with (p-values corrected for the registry's size, effect sizes, what was done, a layer strip),
 * the other compared models in one line each, then the findings, most severe first.
 */
import { behaviourScanText, type BehaviourScanDocument } from "./behaviour-document.js";
import type { ScanDocument } from "./scan-document.js";
import { pText } from "../verdict/p-text.js";
import { table } from "./table.js";
import { DEFAULT_WIDTH, renderLines, type TextLine } from "./text-lines.js";

function strip(layerMap: ScanDocument["matches"][number]["layerMap"]): string {
  return layerMap.map((l) => (l.a === null ? "·" : l.a === l.b ? "█" : "▓")).join("");
}

/** `width`: columns to wrap prose at (the terminal's, or 80). */
export function scanText(doc: ScanDocument & { behaviour?: BehaviourScanDocument }, width = DEFAULT_WIDTH): string {
  const s = doc.suspect;
  const lines: TextLine[] = [];
  lines.push(`suspect   ${s.name}: ${s.path} (${s.format}${s.quantized ? ` ${s.quantized}` : ""}, ${s.architecture}, ${s.layers} layers, width ${s.dim}, vocab ${s.vocab})`);
  lines.push(`declares  base ${s.declared.baseModels.join(", ") || "none"}; licence ${[...new Set(s.declared.licenses.map((l) => l.id))].join(", ") || "none"}`);
  lines.push(`registry  ${doc.registry.file}: ${doc.registry.models} models, ${doc.registry.compared} compared; p-values corrected for ${doc.testsCorrectedFor}`);
  lines.push("");
  const derived = doc.matches.filter((m) => m.verdict === "derived");
  if (derived.length === 0) lines.push("no registered model shares weights with the suspect (derived needs p <= " + doc.alpha.derived + ")");
  for (const m of derived) {
    const rel = m.kinship === "descendant" || (!m.kinship && m.direction === "suspect is the ancestor") ? "ANCESTOR OF" : m.kinship === "sibling" ? "SIBLING OF" : m.kinship === "relative" ? "RELATIVE OF" : "DERIVED FROM";
    lines.push(`${rel} ${m.name} (${m.owner}, ${m.tier}, ${m.license ?? "licence unknown"})  p = ${pText(m.log10PValue)}`);
    const e = m.effectSizes;
    lines.push(`  ${(100 * e.matchedFraction).toFixed(0)}% of tested units matched, cosine ${e.unitSimilarity.toFixed(3)}${e.relativeChange !== null ? `, relative change ${(100 * e.relativeChange).toFixed(1)}%` : ""}; frame ${m.frame}; via ${m.route}`);
    if (m.transforms.length) lines.push(`  what was done: ${[...new Set(m.transforms.map((t) => t.kind))].join(", ")}`);
    if (m.layerMap.length) lines.push(`  layers ${strip(m.layerMap)}  (█ same layer, ▓ another layer, · independent)`);
    if (m.relation) lines.push(`  ${m.relation}; ${m.direction === "unknown" ? "which came first: not settled by the pair" : m.direction}`);
    if (m.kinship && m.kinship !== "ancestor" && m.kinship !== "parent" && m.kinshipWhy) lines.push(`  ${m.kinship}: ${m.kinshipWhy}`);
  }
  const rest = doc.matches.filter((m) => m.verdict !== "derived");
  if (rest.length) {
    lines.push("");
    lines.push({ pre: table(["also compared", "verdict", "p", "selected by"], rest.map((m) => [m.name, m.verdict, pText(m.log10PValue), m.selectedBy])) });
  }
  lines.push("");
  if (doc.findings.length === 0) lines.push("findings: none");
  else {
    lines.push(`findings (${doc.findings.length}):`);
    for (const f of doc.findings) {
      lines.push(`  ${f.severity.toUpperCase().padEnd(8)} ${f.id}: ${f.title}`);
      lines.push(`           ${f.detail}`);
      if (f.license) lines.push(`           clause: ${f.license.clause}`);
      lines.push(`           fix: ${f.fix}`);
    }
  }
  if (doc.behaviour) lines.push(...behaviourScanText(doc.behaviour));
  return renderLines(lines, width);
}
