/**
 * @module lineage/render
 * Family trees as text, Graphviz DOT and Mermaid.
 */
import { pText } from "../report/p-text.js";
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
  return lines.join("\n");
}

const q = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;

export function treeDot(t: FamilyTree): string {
  const lines = ["digraph pedigree {", "  rankdir=LR;", "  node [shape=box, fontname=Helvetica];"];
  for (const f of t.families) for (const m of f.members) lines.push(`  ${q(m)}${m === f.root ? " [style=bold]" : ""};`);
  for (const s of t.singletons) lines.push(`  ${q(s)} [style=dashed];`);
  for (const e of t.edges) lines.push(`  ${q(e.parent)} -> ${q(e.child)} [label=${q(e.relation)}${e.direction === "family-structure" ? ", style=dashed" : e.direction === "undirected" ? ", dir=none, style=dotted" : ""}];`);
  lines.push("}");
  return lines.join("\n");
}

export function treeMermaid(t: FamilyTree): string {
  const ids = new Map<string, string>();
  const id = (n: string) => {
    if (!ids.has(n)) ids.set(n, `m${ids.size}`);
    return ids.get(n) as string;
  };
  const lines = ["graph LR"];
  const all = [...t.families.flatMap((f) => f.members), ...t.singletons];
  for (const n of all) lines.push(`  ${id(n)}["${n.replace(/"/g, "#quot;")}"]`);
  for (const e of t.edges) lines.push(`  ${id(e.parent)} ${e.direction === "undirected" ? "---" : "-->"}|${e.relation}| ${id(e.child)}`);
  return lines.join("\n");
}
