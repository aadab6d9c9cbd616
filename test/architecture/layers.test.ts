// The folder-level import graph of src/ has no cycles and follows scripts/layers.mjs; the checker
// itself finds a planted cycle and a planted upward import.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cycles, folderGraph, layerViolations } from "../../scripts/folder-cycles.mjs";

test("src/ has no folder-level import cycle and every import goes down the layer order", () => {
  const graph = folderGraph();
  assert.ok(graph.has("report") && graph.get("report")!.has("scan"), "the graph sees report -> scan");
  assert.deepEqual(cycles(graph), []);
  assert.deepEqual(layerViolations(graph), []);
});

test("the checker finds a planted cycle and an upward import", () => {
  const graph = new Map([
    ["evidence", new Map([["verdict", "evidence/x.ts -> ../verdict/y.js"]])],
    ["verdict", new Map([["evidence", "verdict/y.ts -> ../evidence/x.js"]])],
    ["numeric", new Map()],
  ]);
  assert.deepEqual(cycles(graph), [["evidence", "verdict"]]);
  assert.equal(layerViolations(graph).length, 1);
  assert.match(layerViolations(graph)[0] ?? "", /^evidence imports verdict/);
  graph.set("gadgets", new Map());
  assert.ok(layerViolations(graph).some((v) => v.startsWith("gadgets: not placed")));
});
