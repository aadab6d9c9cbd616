/**
 * `npm run bench:dev-lineage`: `scan` and `tree` against the dev families' ground truth
 * (../shared/dev-families/truth.json). Every dev model is registered by its fingerprint; then each
 * derivative is scanned, with its weights, against a registry holding every other model (its own
 * registration removed, as an upload would be), and the first relative `scan` ranks is checked
 * against the true parent(s): the parent named (with registered same-weight copies of it, which
 * weights cannot tell apart) must include a true parent. `tree` is scored over all dev models and over issue 10's six-model
 * subset: true edges found, directions right, directions reversed, edges left undirected.
 * Prints one line per derivative and the totals; exit 1 when a parent is named wrong (a missing
 * answer is counted, not failed: some derivations are out of the weights' reach).
 * Options: --only A-ft,A-q8 (derivatives to scan); --declared (each registered model declares its
 * true first parent as its base, as a lab registering its own models would: registrants' words,
 * which scan uses to tell siblings from ancestors; a suspect's own card is never used).
 */
import { copyFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { register, remove, scan, tree } from "../src/api/index.js";
import type { FamilyTree } from "../src/lineage/tree.js";
import { openRegistry } from "../src/registry/open.js";
import { devPath, TRUTH } from "../src/test-support/dev-truth.js";

const args = process.argv.slice(2);
const declared = args.includes("--declared");
const only = args.includes("--only") ? new Set((args[args.indexOf("--only") + 1] ?? "").split(",")) : null;
const dir = join(tmpdir(), `pedigree-bench-dev-lineage-${process.pid}`);
const all = join(dir, "all.db");
const ids = Object.keys(TRUTH.models);
const parentsOf = (id: string) => TRUTH.models[id]?.parents ?? [];

/** The models a model shares weights with by descent: a distilled student shares none. */
const WEIGHTLESS = new Set(["A-distil"]);

async function registerAll(file: string, names: string[]): Promise<void> {
  openRegistry(file).close();
  for (const id of names) {
    const base = declared ? parentsOf(id)[0] : undefined;
    await register({ model: devPath(id), registry: file, meta: { name: id, owner: "dev", tier: "open", license: "apache-2.0", ...(base && !WEIGHTLESS.has(id) ? { declaredBase: base } : {}) } });
  }
}

function scoreTree(t: FamilyTree, names: string[]): string {
  const edges = names.flatMap((c) => (WEIGHTLESS.has(c) ? [] : parentsOf(c).filter((p) => names.includes(p)).map((p) => [p, c] as const)));
  const und = (a: string, b: string) => [a, b].sort().join("~");
  const got = new Set(t.edges.map((e) => und(e.parent, e.child)));
  const dir = new Set(t.edges.filter((e) => e.direction !== "undirected").map((e) => `${e.parent}->${e.child}`));
  const undirectedTrue = edges.filter(([p, c]) => t.edges.some((e) => e.direction === "undirected" && und(e.parent, e.child) === und(p, c))).length;
  const found = edges.filter(([p, c]) => got.has(und(p, c))).length;
  const right = edges.filter(([p, c]) => dir.has(`${p}->${c}`)).length;
  const reversed = edges.filter(([p, c]) => dir.has(`${c}->${p}`)).length;
  const extra = t.edges.filter((e) => !edges.some(([p, c]) => und(p, c) === und(e.parent, e.child))).length;
  return `${found}/${edges.length} true edges found: ${right} directed right, ${reversed} reversed, ${undirectedTrue} undirected; ${extra} other edges`;
}

const t0 = performance.now();
try {
  await registerAll(all, ids);
  console.log(`registered ${ids.length} dev models in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  let right = 0;
  let wrong = 0;
  let none = 0;
  const suspects = ids.filter((id) => parentsOf(id).length > 0 && (!only || only.has(id)));
  for (const id of suspects) {
    const file = join(dir, `${id}.db`);
    copyFileSync(all, file);
    await remove({ name: id, registry: file });
    const t = performance.now();
    const { scan: r } = await scan({ model: devPath(id), registry: file });
    const ms = performance.now() - t;
    rmSync(file, { force: true });
    const parents = r.matches.filter((m) => m.verdict === "derived" && !m.sameFile && m.kinship === "parent");
    const first = parents[0] ?? r.matches.find((m) => m.verdict === "derived" && !m.sameFile);
    const truth = parentsOf(id);
    const expectNone = WEIGHTLESS.has(id);
    const ok = first ? !expectNone && parents.some((m) => truth.includes(m.model.name)) : expectNone;
    if (ok) right++;
    else if (parents.length > 0 || (expectNone && first)) wrong++;
    else none++;
    const said = parents.length ? `parent ${parents.map((m) => m.model.name).join(" = ")} (${first?.relation}, p 1e${Math.round((first?.logP ?? 0) / Math.LN10)})` : first ? `no parent named; ${first.kinship ?? "related"} ${first.model.name}` : "no relative";
    console.log(`${ok ? "ok   " : parents.length || (expectNone && first) ? "WRONG" : "open "} ${id.padEnd(10)} truth ${(expectNone ? "none by weights" : truth.join("+")).padEnd(15)} scan: ${said}  ${(ms / 1000).toFixed(1)} s`);
  }
  console.log(`\nscan${declared ? " (registrants declare their models' bases)" : ""}: ${right}/${suspects.length} right (the true parent among those named parent, or nothing for a distilled student), ${wrong} wrong, ${none} with no parent named`);
  const whole = (await tree({ registry: all })).tree;
  console.log(`tree, all ${ids.length} dev models: ${scoreTree(whole, ids)}`);
  const six = ["A", "A-ft", "A-ft-ft", "A-perm", "A-q8", "C"];
  const sixFile = join(dir, "six.db");
  await registerAll(sixFile, six);
  const small = (await tree({ registry: sixFile })).tree;
  console.log(`tree, the six-model subset: ${scoreTree(small, six)}`);
  for (const e of small.edges) console.log(`  ${e.parent} ${e.direction === "undirected" ? "~~" : "->"} ${e.child} (${e.relation}; ${e.direction})`);
  console.log(`${((performance.now() - t0) / 1000).toFixed(0)} s in all`);
  process.exitCode = wrong === 0 ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
