/**
 * @module lineage/render
 * Family trees as text, Graphviz DOT and Mermaid.
 */
import { escapeControls } from "../errors.js";
import { pText } from "../verdict/p-text.js";
import type { FamilyTree } from "./tree.js";

export function treeText(t: FamilyTree): string {
  const lines: string[] = [];
  const printed = new Set<string>();
  const walk = (n: string, prefix: string) => {
    const cs = t.edges.filter((e) => e.parent === n);
    cs.forEach((e, i) => {
      const last = i === cs.length - 1;
      const merge = t.merges.find((m) => m.child === e.child);
      const again = printed.has(e.child);
      lines.push(`${prefix}${last ? "└─ " : "├─ "}${e.child}  [${e.relation}, p=${pText(e.log10PValue)}${e.direction === "weight-evidence" ? ", direction from weights" : e.direction === "undirected" ? ", which came first: unknown" : ""}${merge ? `, merge of ${merge.parents.join(" + ")}` : ""}]${again ? " (see above)" : ""}`);
      if (again) return;
      printed.add(e.child);
      walk(e.child, prefix + (last ? "   " : "│  "));
    });
  };
  for (const f of t.families) {
    lines.push(f.root);
    printed.add(f.root);
    walk(f.root, "");
  }
  if (t.singletons.length) lines.push(`unrelated to the others: ${t.singletons.join(", ")}`);
  for (const h of t.hints) lines.push(`metadata hint (not evidence): ${h}`);
  return lines.map(escapeControls).join("\n");
}

/** A DOT string: quotes and backslashes escaped, control and bidi characters as visible \\uXXXX text. */
const q = (s: string) => `"${escapeControls(s).replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

const FONT = "Helvetica";

/** What the styles mean, drawn beside the tree. */
const DOT_LEGEND = [
  "  subgraph cluster_legend {",
  `    label="legend"; fontname=${FONT}; fontsize=10; color=gray; style=rounded;`,
  "    node [shape=plaintext, fontsize=10];",
  "    legend_root [label=\"bold box: a family's root\"];",
  "    legend_single [label=\"dashed box: related to no other model\"];",
  "    legend_a [label=\"\"]; legend_b [label=\"parent -> child, direction from weight evidence\"];",
  "    legend_c [label=\"\"]; legend_d [label=\"dashed: direction from family structure only\"];",
  "    legend_a -> legend_b [arrowhead=normal];",
  "    legend_c -> legend_d [style=dashed];",
  "    legend_e [label=\"\"]; legend_f [label=\"dotted, no arrow: same weights up to a symmetry\"];",
  "    legend_e -> legend_f [dir=none, style=dotted];",
  "  }",
];

export function treeDot(t: FamilyTree): string {
  const lines = ["digraph pedigree {", "  rankdir=LR;", `  graph [fontname=${FONT}];`, `  node [shape=box, fontname=${FONT}];`, `  edge [fontname=${FONT}, fontsize=10];`];
  for (const f of t.families) for (const m of f.members) lines.push(`  ${q(m)}${m === f.root ? " [style=bold]" : ""};`);
  for (const s of t.singletons) lines.push(`  ${q(s)} [style=dashed];`);
  for (const e of t.edges) lines.push(`  ${q(e.parent)} -> ${q(e.child)} [label=${q(e.relation)}${e.direction === "family-structure" ? ", style=dashed" : e.direction === "undirected" ? ", dir=none, style=dotted" : ""}];`);
  lines.push(...DOT_LEGEND);
  lines.push("}");
  return lines.join("\n");
}

/**
 * A Mermaid label: Mermaid renders labels as HTML, so everything but plain name characters becomes
 * an entity code (#60; for <): a model named `<img src=x onerror=alert(1)>` stays text.
 */
const mermaidText = (s: string) => escapeControls(s).replace(/[^A-Za-z0-9 ._\-/:+@]/g, (c) => `#${c.codePointAt(0)};`);

export function treeMermaid(t: FamilyTree): string {
  const ids = new Map<string, string>();
  const id = (n: string) => {
    if (!ids.has(n)) ids.set(n, `m${ids.size}`);
    return ids.get(n) as string;
  };
  const lines = ["graph LR"];
  const all = [...t.families.flatMap((f) => f.members), ...t.singletons];
  for (const n of all) lines.push(`  ${id(n)}["${mermaidText(n)}"]`);
  for (const e of t.edges) lines.push(`  ${id(e.parent)} ${e.direction === "undirected" ? "---" : e.direction === "family-structure" ? "-.->" : "-->"}|${mermaidText(e.relation)}| ${id(e.child)}`);
  return lines.join("\n");
}
