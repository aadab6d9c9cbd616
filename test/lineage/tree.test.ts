/**
 * `tree` on the dev families' tree subset (truth.json): registered models only, fingerprints only.
 * Families must come out exactly (who shares weights with whom); edges and their directions are
 * scored against the true parents and the scores printed. Same-recipe fine-tunes of one base can
 * look alike from either side, so direction is reported, and only families and most edges are
 * required.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { registryTree } from "../../src/lineage/registry-tree.js";
import { treeDot, treeMermaid, treeText } from "../../src/lineage/render.js";
import { runCli } from "../../src/test-support/cli.js";
import { devPath, TRUTH } from "../../src/test-support/dev-truth.js";
import { tempDir } from "../../src/test-support/tmp.js";
import { join } from "node:path";
import { computeFingerprint } from "../../src/fingerprint/compute.js";
import { loadModel } from "../../src/load-model.js";
import { openRegistry } from "../../src/registry/open.js";
import { register } from "../../src/registry/store.js";

test("family trees of the dev tree subset from the registry", (ctx) => {
  const registry = join(tempDir(), "tree.db");
  const subset = TRUTH.tree_subset;
  for (const id of subset) {
    const r = runCli(["register", devPath(id), "--name", id, "--owner", "dev", "--tier", "open", "--license", "apache-2.0", "--registry", registry]);
    assert.equal(r.code, 0, r.stderr);
  }
  const cli = runCli(["tree", "--json", "--registry", registry]);
  assert.equal(cli.code, 0, cli.stderr);
  const t = JSON.parse(cli.stdout) as ReturnType<typeof registryTree>["tree"] & { models: number; pairsCompared: number };
  assert.equal(t.models, subset.length);

  // families: models sharing weights by descent, from truth (an A-distil trained on outputs shares none)
  const rootOf = (id: string): string => {
    const ps = TRUTH.models[id]?.parents ?? [];
    return ps.length && id !== "A-distil" ? rootOf(ps[0] as string) : id;
  };
  const want = new Map<string, string[]>();
  for (const id of subset) want.set(rootOf(id), [...(want.get(rootOf(id)) ?? []), id].sort());
  const got = [...t.families.map((f) => f.members), ...t.singletons.map((s) => [s])].map((m) => [...m].sort());
  assert.deepEqual(got.map((m) => m.join(",")).sort(), [...want.values()].map((m) => m.join(",")).sort());
  for (const f of t.families) assert.equal(f.root, rootOf(f.members[0] as string), "root");

  // edges against the true parents
  const truthEdges = subset.flatMap((c) => (c === "A-distil" ? [] : (TRUTH.models[c]?.parents ?? []).filter((p) => subset.includes(p)).map((p) => [p, c] as const)));
  const und = (a: string, b: string) => [a, b].sort().join("~");
  const gotUnd = new Set(t.edges.map((e) => und(e.parent, e.child)));
  const gotDir = new Set(t.edges.filter((e) => e.direction !== "undirected").map((e) => `${e.parent}->${e.child}`));
  const edgesRight = truthEdges.filter(([p, c]) => gotUnd.has(und(p, c))).length;
  const dirsRight = truthEdges.filter(([p, c]) => gotDir.has(`${p}->${c}`)).length;
  const undirected = t.edges.filter((e) => e.direction === "undirected").length;
  ctx.diagnostic(`tree subset: ${edgesRight}/${truthEdges.length} true edges found, ${dirsRight}/${truthEdges.length} with the right direction, ${undirected} undirected; ${t.pairsCompared} pairs compared`);
  for (const line of treeText(t).split("\n")) ctx.diagnostic(line);
  assert.ok(edgesRight >= Math.ceil(0.75 * truthEdges.length), `${edgesRight}/${truthEdges.length} edges`);
  const merge = t.merges.find((m) => m.child === "A-merge");
  assert.deepEqual(merge?.parents, ["A-ft", "A-ft2"]);

  // the renderings name every model and edge
  const dot = treeDot(t);
  const mermaid = treeMermaid(t);
  for (const id of subset) {
    assert.ok(dot.includes(`"${id}"`), id);
    assert.ok(mermaid.includes(`"${id}"`), id);
  }
  assert.equal((dot.split("subgraph cluster_legend")[0]?.match(/->/g) ?? []).length, t.edges.length);
});

test("family trees of every dev family: no edge across families, most true edges found", (ctx) => {
  const db = openRegistry(join(tempDir(), "all.db"));
  const ids = Object.keys(TRUTH.models);
  for (const id of ids) {
    const m = loadModel(devPath(id));
    register(db, computeFingerprint(m), { name: id, owner: "dev", tier: "open", license: "apache-2.0" });
    m.close();
  }
  const r = registryTree(db);
  db.close();
  // true families: models sharing weights by descent (component lineage in truth.json)
  const origin = (id: string) => {
    const lineage = (TRUTH.models[id] as unknown as { lineage: Record<string, [string, string]> }).lineage;
    const srcs = [...new Set(Object.values(lineage).map(([s]) => s))];
    return srcs.find((s) => s !== id && (TRUTH.models[s]?.parents.length ?? 1) === 0) ?? id;
  };
  const across = r.tree.edges.filter((e) => origin(e.parent) !== origin(e.child));
  assert.deepEqual(across.map((e) => `${e.parent}->${e.child}`), [], "edges between unrelated models");
  const truthEdges = ids.flatMap((c) => (TRUTH.models[c]?.parents ?? []).map((p) => [p, c] as const));
  // a distilled model shares no weights with its teacher: no weight evidence can find that edge
  const weightEdges = truthEdges.filter(([p, c]) => origin(c) === origin(p));
  const und = (a: string, b: string) => [a, b].sort().join("~");
  const gotUnd = new Set(r.tree.edges.map((e) => und(e.parent, e.child)));
  const gotDir = new Set(r.tree.edges.filter((e) => e.direction !== "undirected").map((e) => `${e.parent}->${e.child}`));
  const found = weightEdges.filter(([p, c]) => gotUnd.has(und(p, c))).length;
  const directed = weightEdges.filter(([p, c]) => gotDir.has(`${p}->${c}`)).length;
  const reversed = weightEdges.filter(([p, c]) => gotDir.has(`${c}->${p}`)).length;
  const undirected = r.tree.edges.filter((e) => e.direction === "undirected").length;
  ctx.diagnostic(`all dev families: ${found}/${weightEdges.length} weight-sharing edges found, ${directed}/${weightEdges.length} directed right, ${reversed} reversed, ${undirected} undirected (same weights) (${truthEdges.length - weightEdges.length} distillation edge(s) not in the weights); ${r.pairsCompared} pairs compared`);
  assert.ok(found >= Math.ceil(0.75 * weightEdges.length), `${found}/${weightEdges.length}`);
  // what weight evidence settles is never drawn the other way: quantized copies hang from their source
  const wrongEvidence = r.tree.edges.filter((e) => e.direction === "weight-evidence" && TRUTH.models[e.parent]?.parents.includes(e.child));
  assert.deepEqual(wrongEvidence.map((e) => `${e.parent}->${e.child}`), []);
  for (const l of treeText(r.tree).split("\n")) ctx.diagnostic(l);

  // the six-model subset of issue 10: A -> {A-ft, A-perm (same weights, undirected), A-q8}, C apart
  const db6 = openRegistry(join(tempDir(), "six.db"));
  for (const id of ["A", "A-ft", "A-ft-ft", "A-perm", "A-q8", "C"]) {
    const m = loadModel(devPath(id));
    register(db6, computeFingerprint(m), { name: id, owner: "dev", tier: "open", license: "apache-2.0" });
    m.close();
  }
  const six = registryTree(db6).tree;
  db6.close();
  for (const l of treeText(six).split("\n")) ctx.diagnostic(`six: ${l}`);
  assert.deepEqual(six.families.map((f) => f.root), ["A"]);
  assert.deepEqual(six.singletons, ["C"]);
  const edge = (c: string) => six.edges.find((e) => e.child === c || (e.direction === "undirected" && e.parent === c));
  assert.equal(edge("A-q8")?.parent, "A");
  assert.equal(edge("A-q8")?.direction, "weight-evidence");
  assert.deepEqual([edge("A-perm")?.parent, edge("A-perm")?.child, edge("A-perm")?.direction], ["A", "A-perm", "undirected"]);
  assert.ok(six.edges.some((e) => und(e.parent, e.child) === und("A-ft", "A-ft-ft")), "A-ft and A-ft-ft joined");
});
