/**
 * @module report/compare-html
 * A self-contained HTML page for a comparison: verdict, the A-layers x B-layers evidence heatmap
 * (inline SVG), the component table, what was done, the inputs' digests and the exact command, so
 * anyone can reproduce it. No scripts, no external resources.
 */
import type { CompareDocument } from "./compare-document.js";

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function color(log10p: number | null): string {
  if (log10p === null) return "#f4f4f4";
  const strength = Math.min(1, -log10p / 30);
  const l = Math.round(97 - 60 * strength);
  return `hsl(${log10p <= -6 ? 12 : 210}, 70%, ${l}%)`;
}

function heatmap(doc: CompareDocument): string {
  const { aLayers: A, bLayers: B, log10PValue: h } = doc.heatmap;
  const cell = Math.max(10, Math.min(28, Math.floor(520 / Math.max(A, B, 1))));
  const left = 60;
  const top = 40;
  const w = left + A * cell + 20;
  const hgt = top + B * cell + 20;
  const rects: string[] = [];
  for (let b = 0; b < B; b++) {
    for (let a = 0; a < A; a++) {
      const v = h[b]?.[a] ?? null;
      rects.push(`<rect x="${left + a * cell}" y="${top + b * cell}" width="${cell - 1}" height="${cell - 1}" fill="${color(v)}"><title>B layer ${b} vs A layer ${a}: ${v === null ? "not tested" : `log10 p = ${v}`}</title></rect>`);
    }
    rects.push(`<text x="${left - 6}" y="${top + b * cell + cell * 0.7}" text-anchor="end" font-size="10">${b}</text>`);
  }
  for (let a = 0; a < A; a++) rects.push(`<text x="${left + a * cell + cell / 2}" y="${top - 6}" text-anchor="middle" font-size="10">${a}</text>`);
  rects.push(`<text x="${left + (A * cell) / 2}" y="14" text-anchor="middle" font-size="12">A layers</text>`);
  rects.push(`<text x="14" y="${top + (B * cell) / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 14 ${top + (B * cell) / 2})">B layers</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${hgt}" role="img" aria-label="evidence heatmap">${rects.join("")}</svg>`;
}

export function compareHtml(doc: CompareDocument): string {
  const rows = doc.layerMap.map((l) => `<tr><td>${l.b}</td><td>${l.a ?? "-"}</td><td>${l.log10PValue}</td><td>${(100 * l.matchedFraction).toFixed(0)}%</td></tr>`).join("");
  const comps = Object.entries(doc.components).filter(([k]) => k !== "layers").map(([k, c]) => {
    const x = c as unknown as { status: string; log10PValue: number; matched: number; tested: number };
    return `<tr><td>${esc(k)}</td><td>${x.status}</td><td>${x.log10PValue}</td><td>${x.matched}/${x.tested}</td></tr>`;
  }).join("");
  const files = [...doc.a.files.map((f) => ({ side: "A", ...f })), ...doc.b.files.map((f) => ({ side: "B", ...f }))]
    .map((f) => `<tr><td>${f.side}</td><td>${esc(f.file)}</td><td>${f.bytes}</td><td><code>${f.sha256}</code>${f.partial ? " (first+last MiB)" : ""}</td></tr>`).join("");
  const transforms = doc.transforms.map((t) => `<li><b>${esc(t.kind)}</b>: ${esc(t.detail)}</li>`).join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>pedigree compare: ${esc(doc.verdict)}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}h1 span{font-size:60%;color:#555}code{font-size:12px}.v-derived{color:#b3261e}.v-independent{color:#1b6e20}.v-inconclusive{color:#8a6d00}</style>
</head><body>
<h1 class="v-${esc(doc.verdict)}">${esc(doc.verdict.toUpperCase())} <span>log10 p = ${doc.log10PValue} (corrected for ${doc.testsCorrectedFor} tests)</span></h1>
<p>${esc(doc.reason)}</p>
<p>A: <code>${esc(doc.a.path)}</code> — B: <code>${esc(doc.b.path)}</code>. Frame: ${esc(doc.frame.kind)}. Matched units: ${(100 * doc.effectSizes.matchedFraction).toFixed(1)}%, mean cosine ${doc.effectSizes.unitSimilarity.toFixed(3)}.</p>
<h2>Evidence heatmap</h2>
${heatmap(doc)}
<p>Cell colour: strength of the evidence that B's layer shares units with A's layer (red: p ≤ 1e-6; blue: weaker; grey: not tested).</p>
<h2>Layer map</h2><table><tr><th>B layer</th><th>from A layer</th><th>log10 p</th><th>units matched</th></tr>${rows}</table>
<h2>Components</h2><table><tr><th>component</th><th>status</th><th>log10 p</th><th>matched</th></tr>${comps}</table>
<h2>What was done</h2><ul>${transforms || "<li>nothing detected</li>"}</ul>
<p>Parent estimate (separate from the verdict): ${esc(doc.direction.parent)} [${esc(doc.direction.confidence)}] ${esc(doc.direction.reasons.join("; "))}</p>
${doc.caveats.length ? `<h2>Caveats</h2><ul>${doc.caveats.map((c) => `<li>${esc(c)}</li>`).join("")}</ul>` : ""}
<h2>Reproduce</h2><p><code>${esc(doc.command)}</code></p>
<table><tr><th></th><th>file</th><th>bytes</th><th>sha256</th></tr>${files}</table>
<script type="application/json" id="pedigree-report">${JSON.stringify(doc).replace(/</g, "\\u003c")}</script>
</body></html>
`;
}
