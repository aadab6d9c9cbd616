/**
 * @module report/compare-text
 * The `compare` report for people: verdict and p-value, effect sizes, a layer-by-layer strip, the
 * components, what was done, the parent estimate (labelled as such) and caveats.
 */
import type { CompareDocument } from "./compare-document.js";
import { pText } from "../verdict/p-text.js";
import { table } from "./table.js";
import { DEFAULT_WIDTH, renderLines, type TextLine } from "./text-lines.js";

function strip(doc: CompareDocument): string {
  const cells = doc.layerMap.map((l) => (l.a === null ? "·" : l.a === l.b ? "█" : "▓"));
  return cells.join("");
}

/** `width`: columns to wrap prose at (the terminal's, or 80). */
export function compareText(doc: CompareDocument, width = DEFAULT_WIDTH): string {
  const lines: TextLine[] = [];
  const v = doc.verdict.toUpperCase();
  lines.push(`${v}  p = ${pText(doc.log10PValue)}  (log10 p = ${doc.log10PValue}, corrected for ${doc.testsCorrectedFor} tests; derived if p <= ${doc.alpha.derived < 1e-3 ? doc.alpha.derived.toExponential() : doc.alpha.derived})`);
  lines.push(`  ${doc.reason}`);
  lines.push(`  A: ${doc.a.path} (${doc.a.format}, ${doc.a.layers} layers, dim ${doc.a.dim}, vocab ${doc.a.vocab})`);
  lines.push(`  B: ${doc.b.path} (${doc.b.format}, ${doc.b.layers} layers, dim ${doc.b.dim}, vocab ${doc.b.vocab})`);
  const e = doc.effectSizes;
  lines.push(`effect sizes: ${(100 * e.matchedFraction).toFixed(1)}% of B's sampled MLP units match a unit of A; mean matched cosine ${e.unitSimilarity.toFixed(3)}${e.relativeChange !== null ? `; relative change ${(100 * e.relativeChange).toFixed(1)}%` : ""}`);
  lines.push(`frame: ${doc.frame.kind}${doc.frame.kind !== "identity" && doc.frame.kind !== "none" ? ` (${doc.frame.source})` : ""}`);
  if (doc.tokens) lines.push(`tokens: ${doc.tokens.shared} shared (A ${doc.tokens.vocabA}, B ${doc.tokens.vocabB}; paired by ${doc.tokens.method})`);
  lines.push("");
  lines.push(`layers of B  ${strip(doc)}   (█ same layer of A, ▓ another layer of A, · independent)`);
  lines.push({ pre: table(["B layer", "from A", "p", "units matched"], doc.layerMap.map((l) => [String(l.b), l.a === null ? "-" : String(l.a), pText(l.log10PValue), `${(100 * l.matchedFraction).toFixed(0)}%`])) });
  const comps = Object.entries(doc.components).filter(([k]) => k !== "layers") as unknown as Array<[string, { status: string; log10PValue: number; matched: number; tested: number }]>;
  if (comps.length) {
    lines.push("");
    lines.push({ pre: table(["component", "status", "p", "matched"], comps.map(([k, c]) => [k, c.status, pText(c.log10PValue), `${c.matched}/${c.tested}`])) });
  }
  if (doc.transforms.length) {
    lines.push("");
    lines.push("what was done:");
    for (const t of doc.transforms) lines.push(`  - ${t.kind}: ${t.detail}`);
  }
  lines.push("");
  const d = doc.direction;
  lines.push(`parent estimate (separate from the verdict): ${d.parent === "unknown" ? "undetermined" : d.parent === "a" ? "A is the parent" : "B is the parent"} [${d.confidence}] ${d.reasons.join("; ")}`);
  for (const c of doc.caveats) lines.push(`caveat: ${c}`);
  return renderLines(lines, width);
}
