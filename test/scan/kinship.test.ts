/**
 * Relation, direction and kinship in `scan`, as `compare` gives them:
 * - stories260K's Q8_0 copy against registered stories260K is a quantized copy with the registered
 *   model its ancestor (fingerprints only: the storage types are in the summaries), and CycloneDX
 *   lists it under pedigree.ancestors;
 * - A-lora against a registry of A's family (bases declared by the registrants) names A as its
 *   parent, first; A-ft is a sibling, never the base to declare; quantized and permuted copies of A
 *   are relatives, not ancestors; licence obligations come from ancestors only.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { computeFingerprint } from "../../src/fingerprint/compute.js";
import { loadModel } from "../../src/load-model.js";
import { scanFindings } from "../../src/policy/findings/index.js";
import { reportInputOfScan } from "../../src/policy/report-input-of-scan.js";
import { suspectFacts } from "../../src/policy/suspect.js";
import { openRegistry, type Registry } from "../../src/registry/open.js";
import { register } from "../../src/registry/store.js";
import { cyclonedxBom } from "../../src/report/bom/cyclonedx.js";
import { scanModel } from "../../src/scan/scan.js";
import { devPath, TRUTH } from "../../src/test-support/dev-truth.js";
import { sharedPath } from "../../src/test-support/shared.js";
import { tempDir } from "../../src/test-support/tmp.js";
import { join } from "node:path";
import { registryOf } from "./support.js";

const FAMILY = ["A", "A-ft", "A-ft-ft", "A-q8", "A-perm"];
let family: Registry;

before(() => {
  family = openRegistry(join(tempDir(), "family.db"));
  for (const id of FAMILY) {
    const m = loadModel(devPath(id));
    register(family, computeFingerprint(m), { name: id, owner: "Lab A", license: id === "A-ft" ? "llama3.1" : "apache-2.0", tier: "open", declaredBase: TRUTH.models[id]?.parents[0] });
    m.close();
  }
});

after(() => family.close());

function scanOf(db: Registry, path: string) {
  const m = loadModel(path);
  try {
    const scan = scanModel(db, m);
    const facts = suspectFacts(m);
    const findings = scanFindings(facts, scan);
    return { scan, findings, bom: cyclonedxBom(reportInputOfScan(facts, scan, findings, "2026-01-01T00:00:00Z")) as { components?: unknown[]; metadata: { component?: unknown } } };
  } finally {
    m.close();
  }
}

/** The model component's pedigree lists, by name. */
function pedigreeOf(bom: unknown): Record<string, string[]> {
  const comps = (bom as { components: Array<{ pedigree?: Record<string, Array<{ name: string }>> }> }).components;
  const p = comps.find((c) => c.pedigree)?.pedigree ?? {};
  return Object.fromEntries(["ancestors", "descendants", "variants"].map((k) => [k, (p[k] ?? []).map((x) => x.name)]));
}

test("stories260K's Q8_0 copy: a quantized copy, stories260K its ancestor, in CycloneDX ancestors", () => {
  const db = openRegistry(join(tempDir(), "stories.db"));
  const base = loadModel(sharedPath("models", "stories260K", "stories260K.bin"));
  register(db, computeFingerprint(base), { name: "stories260K", owner: "Lab S", tier: "closed", license: "other" });
  base.close();
  const { scan, bom } = scanOf(db, sharedPath("models", "stories260K", "stories260K_q80.bin"));
  db.close();
  const m = scan.matches[0];
  assert.equal(m?.verdict, "derived");
  assert.equal(m?.relation, "quantized copy", m?.result.transforms.map((t) => `${t.kind}: ${t.detail}`).join("; "));
  assert.equal(m?.direction, "registered is the ancestor");
  assert.equal(m?.kinship, "parent");
  assert.deepEqual(pedigreeOf(bom), { ancestors: ["stories260K"], descendants: [], variants: [] });
});

test("A-lora against A's family: A is the parent, A-ft a sibling; copies of A are not ancestors", (ctx) => {
  const { scan, findings, bom } = scanOf(family, devPath("A-lora"));
  const derived = scan.matches.filter((m) => m.verdict === "derived");
  for (const m of derived) ctx.diagnostic(`${m.model.name}: ${m.kinship} (${m.relation}; ${m.kinshipWhy})`);
  assert.equal(derived[0]?.model.name, "A");
  assert.equal(derived[0]?.kinship, "parent");
  const kin = Object.fromEntries(derived.map((m) => [m.model.name, m.kinship]));
  assert.equal(kin["A-ft"], "sibling");
  assert.notEqual(kin["A-ft-ft"], "ancestor");
  assert.notEqual(kin["A-ft-ft"], "parent");
  for (const copy of ["A-q8", "A-perm"]) assert.ok(kin[copy] === "relative" || kin[copy] === "sibling", `${copy}: ${kin[copy]}`);
  // the card names B (false): the fix names A, never a sibling
  const claim = findings.find((f) => f.id === "false-base-claim" || f.id === "undisclosed-base");
  assert.equal(claim?.about, "A", claim?.title);
  // A-ft's licence (llama3.1) is a sibling's: no obligation from it
  assert.ok(!findings.some((f) => f.id === "licence-obligation" && f.about !== "A"), findings.filter((f) => f.id === "licence-obligation").map((f) => f.about).join());
  const p = pedigreeOf(bom);
  assert.ok(!p.ancestors?.includes("A-ft") && !p.descendants?.includes("A-ft"), JSON.stringify(p));
  assert.ok(p.variants?.includes("A-ft"), JSON.stringify(p));
});

test("A-ft, itself registered: A its parent, A-ft-ft (declared on it) a descendant, A's copies not ancestors", () => {
  const { scan, bom } = scanOf(family, devPath("A-ft"));
  const derived = scan.matches.filter((m) => m.verdict === "derived" && !m.sameFile);
  assert.equal(derived[0]?.model.name, "A");
  assert.equal(derived[0]?.kinship, "parent");
  const kin = Object.fromEntries(derived.map((m) => [m.model.name, m.kinship]));
  assert.equal(kin["A-ft-ft"], "descendant");
  for (const copy of ["A-q8", "A-perm"]) assert.ok(kin[copy] === "relative" || kin[copy] === "sibling", `${copy}: ${kin[copy]}`);
  assert.deepEqual(pedigreeOf(bom).descendants, ["A-ft-ft"]);
});

test("same-weight copies of the parent are named parents together; a relative sharing fewer parts is not the parent", (ctx) => {
  // no declared bases: weights only
  const { db } = registryOf(["A", "A-bf16", "A-moe"]);
  try {
    for (const suspect of ["A-q4k", "A-lora"]) {
      const { scan } = scanOf(db, devPath(suspect));
      const derived = scan.matches.filter((m) => m.verdict === "derived");
      for (const m of derived) ctx.diagnostic(`${suspect} -> ${m.model.name}: ${m.kinship} (${m.relation}; ${m.kinshipWhy})`);
      const parents = derived.filter((m) => m.kinship === "parent").map((m) => m.model.name).sort();
      // A-bf16 holds A's weights in another storage type: which one the suspect was made from, weights cannot tell
      assert.deepEqual(parents, ["A", "A-bf16"], suspect);
      // A-moe shares A's attention but not its dense MLP with the suspect: it explains less than A does
      assert.equal(derived.find((m) => m.model.name === "A-moe")?.kinship ?? "ancestor", "ancestor", suspect);
      assert.ok(derived.slice(0, 2).every((m) => m.kinship === "parent"), "the parents come first");
    }
  } finally {
    db.close();
  }
});

test("a registered merge of the suspect and another relative is the suspect's descendant, not its parent", (ctx) => {
  const { db } = registryOf(["A", "A-ft", "A-merge"]);
  try {
    // A-merge = A-ft and A-ft2 half and half: the closest relative of A-ft2, yet built on it
    const { scan } = scanOf(db, devPath("A-ft2"));
    const derived = scan.matches.filter((m) => m.verdict === "derived");
    for (const m of derived) ctx.diagnostic(`A-ft2 -> ${m.model.name}: ${m.kinship} (${m.relation}; ${m.kinshipWhy})`);
    const kin = Object.fromEntries(derived.map((m) => [m.model.name, m.kinship]));
    assert.equal(kin["A-merge"], "descendant");
    assert.equal(kin["A"], "parent");
    assert.equal(derived[0]?.model.name, "A");
  } finally {
    db.close();
  }
});
