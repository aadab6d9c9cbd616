/**
 * @module report/registry-text
 * The registry's reports for people: `list` as a table, `show` as labelled lines.
 */
import { table } from "./table.js";
import type { ModelEntry, ModelListing } from "../registry/store.js";

function count(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} K`;
  return String(n);
}

export function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/** `s` cut to `n` columns, the cut marked with "~". */
function clip(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}~`;
}

/**
 * One line per model, in 80 columns: name, tier, owner, licence, format and size (long values
 * clipped with "~"); `show <name>` and `list --json` have everything else.
 */
export function listText(models: ModelListing[], file: string): string {
  if (models.length === 0) return `no models registered in ${file}`;
  return [
    table(["name", "tier", "owner", "licence", "format", "params"],
      models.map((m) => [clip(m.name, 22), m.tier, clip(m.owner, 12), clip(m.license ?? "-", 14), clip(m.format, 11), count(m.parameters)])),
    `${models.length} model${models.length === 1 ? "" : "s"} in ${file}`,
    "('pedigree show <name>' for one)",
  ].join("\n");
}

export function showText(e: ModelEntry): string {
  const s = e.summary;
  const p = s.params;
  const lines = [
    e.name,
    `  owner         ${e.owner}`,
    `  tier          ${e.tier}${e.tier === "gated" ? ` (${e.recipients?.length ?? 0} recipient${e.recipients?.length === 1 ? "" : "s"}${e.recipients?.length ? `: ${e.recipients.join(", ")}` : ""})` : ""}`,
    `  licence       ${e.license ?? "-"}`,
    `  declared base ${e.declaredBase ?? "-"}`,
    `  released      ${e.released ?? "-"}`,
    `  registered    ${e.registeredAt} (id ${e.id})`,
    ...(e.notes ? [`  notes         ${e.notes}`] : []),
    "model",
    `  format        ${s.format}${s.quantized ? ` (${s.quantized})` : ""}, ${s.architecture}`,
    `  parameters    ${count(s.parameters)} (${s.parameters.toLocaleString("en")})`,
    `  shape         ${p.nLayers} layers, dim ${p.dim}, ffn ${p.ffn}, heads ${p.nHeads} (kv ${p.nKvHeads}), vocab ${p.vocab}${p.nExperts ? `, ${p.nExperts} experts` : ""}`,
    `  tokenizer     ${s.tokenizer ? `${s.tokenizer.kind}, ${s.tokenizer.size} tokens` : "none"}`,
    ...s.files.map((f, i) => `  ${i === 0 ? "files        " : "             "} ${f.file} (${f.bytes.toLocaleString("en")} bytes, sha256 ${f.sha256.slice(0, 16)}${f.partial ? ", partial" : ""})`),
    "declared by the files (claims, not evidence)",
    `  name          ${s.declared.name ?? "-"}`,
    `  author        ${s.declared.author ?? "-"}`,
    `  licence       ${s.declared.license ?? "-"}${s.declared.licenseName ? ` (${s.declared.licenseName})` : ""}`,
    `  base model    ${s.declared.baseModels.length ? s.declared.baseModels.join(", ") : "-"}${s.declared.baseModelRelation ? ` (${s.declared.baseModelRelation})` : ""}`,
    "fingerprint",
    `  version       ${e.fingerprintVersion}, ${e.parts.length} parts, ${kb(e.fingerprintBytes)}`,
    `  index         ${e.postingCount} band keys`,
  ];
  const behaviour = e.parts.find((x) => x.part === "behaviour");
  lines.push(`  behaviour     ${behaviour ? `stored, ${kb(behaviour.bytes)} (scan --behaviour tests against it)` : "none (register --behaviour)"}`);
  return lines.join("\n");
}
