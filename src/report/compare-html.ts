/**
 * @module report/compare-html
 * A self-contained HTML page for a comparison: verdict, the A-layers x B-layers evidence heatmap
 * (inline SVG), the component table, what was done, the inputs' digests and the exact command, so
 * anyone can reproduce it. No scripts, no external resources.
 */
import { basename } from "node:path";
import { escapeControls } from "../errors.js";
import type { CompareDocument } from "./compare-document.js";
import { pText } from "../verdict/p-text.js";

/** HTML-escaped, with control and bidi characters as visible \\uXXXX text. */
const esc = (s: string) => escapeControls(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A model's short name for people: its folder or file name (the full path is in the title and below). */
export function modelName(path: string): string {
  return basename(path.replace(/[/\\]+$/, "")) || path;
}

const STRONG = "hsl(12, 70%, 45%)";

/** A threshold as written in the method: 1e-6, 0.01. */
const alphaText = (x: number) => (x < 1e-3 ? x.toExponential() : String(x));
const NOT_TESTED = "#ffffff";

function color(log10p: number | null, derivedLog10: number): string {
  if (log10p === null) return NOT_TESTED;
  if (log10p <= derivedLog10) {
    const strength = Math.min(1, (derivedLog10 - log10p) / 30);
    return `hsl(12, 70%, ${Math.round(72 - 27 * strength)}%)`;
  }
  // weaker than the threshold: shades of blue, palest for p ~ 1
  const strength = Math.min(1, -log10p / -derivedLog10);
  return `hsl(210, 60%, ${Math.round(95 - 25 * strength)}%)`;
}

/** The cell pattern for "not tested": hatched, so it never reads as "weak". */
const HATCH = '<defs><pattern id="nt" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#bbb" stroke-width="2"/></pattern></defs>';

function heatmap(doc: CompareDocument, nameA: string, nameB: string): string {
  const { aLayers: A, bLayers: B, log10PValue: h } = doc.heatmap;
  const derived = Math.log10(doc.alpha.derived);
  const cell = Math.max(8, Math.min(28, Math.floor(520 / Math.max(A, B, 1))));
  const left = 60;
  const top = 40;
  const w = left + A * cell + 20;
  const hgt = top + B * cell + 20;
  const rects: string[] = [HATCH];
  for (let b = 0; b < B; b++) {
    for (let a = 0; a < A; a++) {
      const v = h[b]?.[a] ?? null;
      const fill = v === null ? "url(#nt)" : color(v, derived);
      rects.push(`<rect x="${left + a * cell}" y="${top + b * cell}" width="${cell - 1}" height="${cell - 1}" fill="${fill}"><title>${esc(nameB)} layer ${b} vs ${esc(nameA)} layer ${a}: ${v === null ? "not tested" : `p = ${pText(v)}`}</title></rect>`);
    }
    rects.push(`<text x="${left - 6}" y="${top + b * cell + cell * 0.7}" text-anchor="end" font-size="10">${b}</text>`);
  }
  for (let a = 0; a < A; a++) rects.push(`<text x="${left + a * cell + cell / 2}" y="${top - 6}" text-anchor="middle" font-size="10">${a}</text>`);
  rects.push(`<text x="${left + (A * cell) / 2}" y="14" text-anchor="middle" font-size="12">A layers (${esc(nameA)})</text>`);
  rects.push(`<text x="14" y="${top + (B * cell) / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 14 ${top + (B * cell) / 2})">B layers (${esc(nameB)})</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${hgt}" width="${w}" style="max-width:100%;height:auto" role="img" aria-label="evidence heatmap">${rects.join("")}</svg>`;
}

function legend(doc: CompareDocument): string {
  const derived = Math.log10(doc.alpha.derived);
  const swatch = (fill: string, label: string) => `<span class="sw"><svg width="14" height="14" aria-hidden="true">${HATCH}<rect width="14" height="14" fill="${fill}" stroke="#999"/></svg> ${label}</span>`;
  return `<p class="legend">${[
    swatch(STRONG, `shared: p ≤ ${alphaText(doc.alpha.derived)} (the derived threshold)`),
    swatch(color(derived / 2, derived), `weak: tested, p between ${alphaText(doc.alpha.derived)} and 1`),
    swatch(color(0, derived), "tested, no evidence (p ~ 1)"),
    swatch("url(#nt)", "not tested (pair not probed)"),
  ].join(" ")}</p>`;
}

function parentText(doc: CompareDocument, nameA: string, nameB: string): string {
  const d = doc.direction;
  const who = d.parent === "a" ? `A (${nameA}) is the parent of B (${nameB})` : d.parent === "b" ? `B (${nameB}) is the parent of A (${nameA})` : "undetermined";
  return `${esc(who)} [${esc(d.confidence)} confidence]${d.reasons.length ? `: ${esc(d.reasons.join("; "))}` : ""}`;
}

const STATUS_TEXT: Record<string, string> = { shared: "shared", independent: "no evidence", "not tested": "not tested" };

export function compareHtml(doc: CompareDocument): string {
  const nameA = modelName(doc.a.path);
  const nameB0 = modelName(doc.b.path);
  const nameB = nameB0 === nameA ? `${nameB0} (B)` : nameB0;
  const rows = doc.layerMap.map((l) => `<tr><td>${l.b}</td><td>${l.a ?? "none"}</td><td>${pText(l.log10PValue)}</td><td>${(100 * l.matchedFraction).toFixed(0)}%</td></tr>`).join("");
  const comps = Object.entries(doc.components).filter(([k]) => k !== "layers").map(([k, c]) => {
    const x = c as unknown as { status: string; log10PValue: number; matched: number; tested: number };
    const tested = x.status !== "not tested" && x.tested > 0;
    return `<tr><td>${esc(k)}</td><td class="s-${esc(x.status.replace(/ /g, "-"))}">${esc(STATUS_TEXT[x.status] ?? x.status)}</td><td>${tested ? pText(x.log10PValue) : "—"}</td><td>${tested ? `${x.matched}/${x.tested}` : "—"}</td></tr>`;
  }).join("");
  const files = [...doc.a.files.map((f) => ({ side: "A", ...f })), ...doc.b.files.map((f) => ({ side: "B", ...f }))]
    .map((f) => `<tr><td>${f.side}</td><td><code>${esc(f.file)}</code></td><td>${f.bytes.toLocaleString("en")}</td><td><code>${f.sha256}</code>${f.partial ? " (first+last MiB)" : ""}</td></tr>`).join("");
  const transforms = doc.transforms.map((t) => `<li><b>${esc(t.kind)}</b>: ${esc(t.detail)}</li>`).join("");
  const p = pText(doc.log10PValue);
  const threshold = `derived if p ≤ ${alphaText(doc.alpha.derived)}, independent if p &gt; ${alphaText(doc.alpha.independent)} with power`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>pedigree compare: ${esc(doc.verdict)} — ${esc(nameB)} vs ${esc(nameA)}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:1em auto;padding:0 1em;max-width:1100px;overflow-wrap:anywhere}
table{border-collapse:collapse;margin:1em 0;max-width:100%}td,th{border:1px solid #ccc;padding:2px 8px;text-align:left;vertical-align:top}
h1{font-size:1.6em}h1 span{display:block;font-size:55%;color:#444;font-weight:normal}code{font-size:12px;word-break:break-all}
.v-derived{color:#b3261e}.v-independent{color:#1b6e20}.v-inconclusive{color:#8a6d00}
.legend .sw{display:inline-block;margin-right:1.2em;white-space:nowrap}.legend svg{vertical-align:middle}
.s-shared{color:#b3261e;font-weight:bold}.s-not-tested{color:#777;font-style:italic}</style>
</head><body>
<h1 class="v-${esc(doc.verdict)}">${esc(doc.verdict.toUpperCase())}: p = ${p}
<span>B = ${esc(nameB)}, A = ${esc(nameA)}. Threshold: ${threshold}; p corrected for ${doc.testsCorrectedFor} tests (log10 p = ${doc.log10PValue}).</span></h1>
<p>${esc(doc.reason)}</p>
<p><b>A</b> = <span title="${esc(doc.a.path)}">${esc(nameA)}</span> (${esc(doc.a.format)}, ${doc.a.layers} layers, dim ${doc.a.dim}) — <b>B</b> = <span title="${esc(doc.b.path)}">${esc(nameB)}</span> (${esc(doc.b.format)}, ${doc.b.layers} layers, dim ${doc.b.dim}). Frame: ${esc(doc.frame.kind)}. Effect sizes: ${(100 * doc.effectSizes.matchedFraction).toFixed(1)}% of B's tested units matched, mean cosine ${doc.effectSizes.unitSimilarity.toFixed(3)}.</p>
<h2>Evidence heatmap</h2>
${heatmap(doc, nameA, nameB)}
${legend(doc)}
<h2>Layer map</h2><table><tr><th>B layer</th><th>from A layer</th><th>p</th><th>units matched</th></tr>${rows}</table>
<h2>Components</h2><table><tr><th>component</th><th>status</th><th>p</th><th>matched</th></tr>${comps}</table>
<h2>What was done</h2><ul>${transforms || "<li>nothing detected</li>"}</ul>
<h2>Parent estimate</h2><p>Separate from the verdict, from weight evidence only: ${parentText(doc, nameA, nameB)}.</p>
${doc.caveats.length ? `<h2>Caveats</h2><ul>${doc.caveats.map((c) => `<li>${esc(c)}</li>`).join("")}</ul>` : ""}
<h2>Reproduce</h2><p><code>${esc(doc.command)}</code></p>
<table><tr><th></th><th>file</th><th>bytes</th><th>sha256</th></tr>${files}</table>
<script type="application/json" id="pedigree-report">${JSON.stringify(doc).replace(/[<\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)}</script>
</body></html>
`;
}
