/**
 * @module report/inspect-text
 * The `inspect` report for people.
 */
import type { InspectDocument } from "./inspect-document.js";
import { table } from "./table.js";
import { DEFAULT_WIDTH, renderLines, type TextLine } from "./text-lines.js";

function fmtCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} K`;
  return String(n);
}

/** `width`: columns to wrap prose at (the terminal's, or 80). */
export function inspectText(d: InspectDocument, width = DEFAULT_WIDTH): string {
  const c = d.config as Record<string, number | string | boolean>;
  const lines: TextLine[] = [];
  lines.push(`${d.path}`);
  lines.push(`  format        ${d.format}${d.files.length > 1 ? ` (${d.files.length} files)` : ""}`);
  if (d.transformer) {
    lines.push(`  architecture  ${d.architecture} (${c.block} blocks, ${c.norm === "rms" ? "RMSNorm" : "LayerNorm"}, ${c.activation})`);
    lines.push(`  parameters    ${fmtCount(d.parameters)} (${d.parameters.toLocaleString("en")})`);
    lines.push(`  shape         ${d.layers} layers, dim ${c.dim}, ffn ${c.ffn}, heads ${c.nHeads} (kv ${c.nKvHeads}, size ${c.headDim}), vocab ${c.vocab}${c.nExperts ? `, ${c.nExperts} experts (top ${c.expertsPerToken})` : ""}`);
    lines.push(`  context       ${c.ctx || "unknown"}; embeddings ${c.tiedEmbeddings ? "tied" : "untied"}`);
  } else {
    lines.push("  architecture  not a transformer: no layers and no token embedding recognised");
    lines.push(`  parameters    ${fmtCount(d.parameters)} (${d.parameters.toLocaleString("en")})`);
    lines.push("  shape         unknown (see --tensors for what the file holds)");
  }
  const mix = Object.entries(d.dtypes).sort((a, b) => b[1].values - a[1].values)
    .map(([k, v]) => `${k} ${((100 * v.values) / Math.max(1, d.parameters)).toFixed(1)}% (${v.tensors} tensors)`);
  lines.push(`  dtypes        ${mix.join(", ")}`);
  lines.push(`  tokenizer     ${d.tokenizer ? `${d.tokenizer.kind}, ${d.tokenizer.size} tokens (${d.tokenizer.source})` : "none found"}`);
  const m = d.metadata;
  lines.push("declared (claims, not evidence)");
  lines.push(`  name          ${m.name ?? "-"}`);
  lines.push(`  licence       ${m.license ?? "-"}${m.licenseName ? ` (${m.licenseName})` : ""}${m.licenseLink ? ` ${m.licenseLink}` : ""}`);
  lines.push(`  base model    ${m.baseModels.length ? m.baseModels.join(", ") : "-"}${m.baseModelRelation ? ` (${m.baseModelRelation})` : ""}`);
  for (const p of m.problems) lines.push(`  problem       ${p}`);
  for (const n of d.notes) lines.push(`note: ${n}`);
  if (d.ignored.length) lines.push(`ignored (not weights): ${d.ignored.length} tensors (${d.ignored.slice(0, 3).join(", ")}${d.ignored.length > 3 ? ", ..." : ""})`);
  if (d.tensors) {
    lines.push("");
    lines.push({ pre: table(["canonical", "name in file", "shape", "dtype", ...(d.tensors[0]?.f32sha256 ? ["f32 sha256"] : [])],
      d.tensors.map((t) => [t.canonical, t.name, t.shape.join("x"), t.dtype, ...(t.f32sha256 ? [t.f32sha256.slice(0, 16)] : [])])) });
  }
  return renderLines(lines, width);
}
