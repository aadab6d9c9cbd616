#!/usr/bin/env node
// Lists the folder-level import graph of src/ and fails (exit 1) on any cycle between folders or
// any import against the order in scripts/layers.mjs (and on a folder that order does not place).
// A folder is the first path segment under src/; a file directly in src/ is its own node
// ("compare.ts" -> "compare"). Test files and test-support/ are left out: they may reach anywhere.
// Usage: node scripts/folder-cycles.mjs [--graph]
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { rankOf } from "./layers.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "src");

/** Every non-test .ts file under src/. */
function files(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p));
    else if (e.name.endsWith(".ts") && !e.name.endsWith(".test.ts")) out.push(p);
  }
  return out;
}

function folderOf(file) {
  const parts = relative(root, file).split(sep);
  return parts.length === 1 ? parts[0].replace(/\.(ts|js)$/, "") : parts[0];
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^;]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

/** folder -> Map(folder -> example "file -> import") */
export function folderGraph() {
  const graph = new Map();
  for (const file of files(root)) {
    const from = folderOf(file);
    if (from === "test-support") continue;
    if (!graph.has(from)) graph.set(from, new Map());
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2];
      if (!spec.startsWith(".")) continue;
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(root + sep)) continue;
      const to = folderOf(target);
      if (to === from) continue;
      if (!graph.get(from).has(to)) graph.get(from).set(to, `${relative(root, file)} -> ${spec}`);
    }
  }
  return graph;
}

/** Strongly connected components with more than one folder (Tarjan). */
export function cycles(graph) {
  let index = 0;
  const idx = new Map(), low = new Map(), stack = [], on = new Set(), out = [];
  const visit = (v) => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); on.add(v);
    for (const w of (graph.get(v) ?? new Map()).keys()) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do { w = stack.pop(); on.delete(w); comp.push(w); } while (w !== v);
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

/** Imports that go up the layer order, and folders the order does not place. */
export function layerViolations(graph) {
  const out = [];
  for (const [from, tos] of graph) {
    if (rankOf(from) === undefined) out.push(`${from}: not placed in scripts/layers.mjs`);
    for (const [to, why] of tos) {
      if (rankOf(to) === undefined) continue;
      if (rankOf(from) !== undefined && rankOf(to) >= rankOf(from)) out.push(`${from} imports ${to} (same rank or above): ${why}`);
    }
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const graph = folderGraph();
  if (process.argv.includes("--graph")) {
    for (const [from, tos] of [...graph].sort()) console.log(`${from} -> ${[...tos.keys()].sort().join(", ")}`);
  }
  const found = cycles(graph);
  for (const comp of found) {
    console.log(`cycle: ${comp.join(" <-> ")}`);
    for (const a of comp) for (const [b, why] of graph.get(a) ?? []) if (comp.includes(b)) console.log(`  ${why}`);
  }
  const wrong = layerViolations(graph);
  for (const w of wrong) console.log(`layer: ${w}`);
  if (found.length || wrong.length) process.exitCode = 1;
  else console.log("no folder-level import cycles; every import follows scripts/layers.mjs");
}
