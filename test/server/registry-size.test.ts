// What a scan tells of the registry: only admins learn its size (registry.models and .compared,
// testsCorrectedFor, "small registry", the registry file, comparison time). Owners and analysts get
// p-values corrected for a bound (the size rounded up to a power of ten, at least 10), the public
// the same against open models only; adding a model under the bound changes nothing they see of
// the other matches, while the admin's p-values move with the size.
import { test } from "node:test";
import assert from "node:assert/strict";
import { follow, startLab } from "./http.js";

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON documents */
type Match = { name: string; tier: string; log10PValue: number; pValue: number; selectedBy: string; verdict: string };
const BOUND = 10;

function assertSizeHidden(doc: any, label: string): void {
  assert.deepEqual(doc.registry, { file: "(the server's registry)" }, `${label}: registry`);
  assert.equal(doc.testsCorrectedFor, BOUND, `${label}: corrected for the bound`);
  assert.equal(doc.timings, undefined, `${label}: no timings`);
  assert.ok(doc.matches.every((m: Match) => m.selectedBy !== "small registry"), `${label}: no "small registry"`);
  assert.doesNotMatch(JSON.stringify(doc), /small registry|lab\.db|"compared"|"models":/, label);
}

test("scan results reveal the registry's size to admins only", async () => {
  const lab = await startLab();
  try {
    await lab.job("owner", "POST", "/api/models", { path: "A", name: "A", tier: "closed", license: "other" });
    await lab.job("ownerB", "POST", "/api/models", { path: "B", name: "B", tier: "open", license: "mit" });
    await lab.job("ownerB", "POST", "/api/models", { path: "C", name: "C", tier: "open", license: "mit" });
    await lab.job("ownerB", "POST", "/api/models", { path: "D", name: "D", tier: "closed", license: "other" });

    const mine = await lab.job("analyst", "POST", "/api/scans", { path: "A-ft" });
    const analyst = mine.result.document;
    const full = (await lab.as("admin").call("GET", `/api/jobs/${mine.id}`)).json.result.document;
    assert.equal(full.registry.models, 4);
    assert.equal(full.testsCorrectedFor, 4);
    assert.ok(full.matches.some((m: Match) => m.selectedBy === "small registry"));
    assertSizeHidden(analyst, "analyst");
    assert.equal(analyst.matches.length, full.matches.length);
    analyst.matches.forEach((m: Match, i: number) => {
      const f = full.matches[i] as Match;
      const expected = Math.min(0, f.log10PValue + Math.log10(BOUND / 4));
      if (f.log10PValue < -1) assert.ok(Math.abs(m.log10PValue - expected) <= 0.011, `${f.name}: ${m.log10PValue} vs ${expected}`);
      else assert.ok(m.log10PValue >= f.log10PValue - 1e-9, `${f.name}: never smaller than the full correction gives`);
    });
    assert.deepEqual(analyst.derivedFrom, ["a closed model of Lab A"]);
    const masked = analyst.matches.find((m: Match) => m.name === "a closed model of Lab A");
    assert.equal(full.matches.find((m: Match) => m.name === "A").license, "other");
    assert.deepEqual([masked.license, masked.declaredBase], [null, null], "a masked match keeps its evidence, not the model's metadata");
    const bom = (await lab.as("analyst").call("GET", `/api/jobs/${mine.id}/export/cyclonedx`)).json;
    assert.doesNotMatch(JSON.stringify(bom), /lab\.db|small registry|"A"|"D"/);

    // progress: the analyst's scan streams its stages, but no count of comparisons
    const sub = await lab.as("analyst").call("POST", "/api/scans", { path: "A-q8" });
    const streamed = await follow(lab.s, lab.tokens.analyst, sub.json.id);
    assert.equal(streamed.job.status, "done");
    assert.deepEqual((await lab.as("analyst").call("GET", `/api/jobs/${sub.json.id}`)).json.progress, { stage: "compare", done: 0, total: 0 });
    assert.deepEqual((await lab.as("admin").call("GET", `/api/jobs/${sub.json.id}`)).json.progress, { stage: "compare", done: 4, total: 4 }, "admins see the count");
    const compare = streamed.progress.filter((e) => e.stage === "compare");
    assert.ok(compare.length <= 1 && compare.every((e) => e.total === 0 && e.done === 0), JSON.stringify(compare));

    // the public: open models only, the same bound
    const pub = (await lab.job("public", "POST", "/api/scans", { path: "A-ft" })).result.document;
    assertSizeHidden(pub, "public");
    assert.deepEqual(pub.matches.map((m: Match) => m.name).sort(), ["B", "C"]);
    assert.doesNotMatch(JSON.stringify(pub), /Lab A|closed model/);

    // the owner: its own closed model named, the size hidden; its alert has the bounded p-value
    const own = (await lab.job("owner", "POST", "/api/scans", { path: "A-ft" })).result.document;
    assertSizeHidden(own, "owner");
    const ownA = own.matches.find((m: Match) => m.name === "A") as Match;
    assert.equal(ownA.verdict, "derived");
    assert.ok(!own.matches.some((m: Match) => m.name === "D"), "another lab's closed model is masked");
    const alerts = (await lab.as("owner").call("GET", "/api/alerts")).json.alerts.filter((a: { suspect: string }) => a.suspect.endsWith("A-ft"));
    assert.ok(alerts.length >= 2 && alerts.every((a: { log10PValue: number }) => a.log10PValue === ownA.log10PValue), JSON.stringify(alerts));

    // family trees: of the models the analyst may see only, never the whole registry
    const trees = await lab.job("analyst", "POST", "/api/tree", {});
    assert.equal(trees.result.document.models, 2, "B and C");
    assert.equal(trees.result.document.registry, "(the server's registry)");
    assert.doesNotMatch(JSON.stringify(trees.result), /"A"|"D"|Lab A/);
    const none = await lab.as("analyst").call("POST", "/api/tree", { only: ["A", "D"] });
    assert.equal(none.status, 404, "asking only for hidden models is not asking for all");

    // one more model (5, still under the bound): nothing the analyst saw of the others moves
    await lab.job("ownerB", "POST", "/api/models", { path: "S", name: "S", tier: "open", license: "mit" });
    const again = await lab.job("analyst", "POST", "/api/scans", { path: "A-ft" });
    const full5 = (await lab.as("admin").call("GET", `/api/jobs/${again.id}`)).json.result.document;
    assert.equal(full5.testsCorrectedFor, 5);
    const pOf = (doc: any, name: string) => (doc.matches as Match[]).find((m) => m.name === name)?.log10PValue;
    assert.notEqual(pOf(full5, "A"), pOf(full, "A"), "the admin's p-values carry the registry's size");
    const before = analyst.matches.map((m: Match) => [m.name, m.log10PValue, m.verdict]);
    const after = again.result.document.matches.filter((m: Match) => m.name !== "S").map((m: Match) => [m.name, m.log10PValue, m.verdict]);
    assert.deepEqual(after, before, "the analyst cannot tell that a model was added");
  } finally {
    await lab.s.close();
  }
});
