/**
 * `scan` on the dev families: every derivative is traced to the from-scratch model whose weights it
 * carries and to no other; with that model absent from the registry nothing is called derived; and
 * the findings follow the ground truth of each model card (false, true and missing base claims),
 * the registrants' tiers (closed -> leak, gated -> redistribution) and licences.
 */
import assert from "node:assert/strict";
import { copyFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { loadModel } from "../../src/load-model.js";
import { scanFindings } from "../../src/policy/findings/index.js";
import type { Finding } from "../../src/policy/report-input.js";
import { suspectFacts } from "../../src/policy/suspect.js";
import type { Registry } from "../../src/registry/open.js";
import { scanModel, type ScanResult } from "../../src/scan/scan.js";
import { devModelIds } from "../../src/test-support/shared.js";
import { tempDir } from "../../src/test-support/tmp.js";
import { devPath, TRUTH } from "../../src/test-support/dev-truth.js";
import { BASES, baseRegistry, registryOf, weightSources } from "./support.js";

let all: Registry;
let withoutA: Registry;
const scans = new Map<string, { scan: ScanResult; findings: Finding[] }>();

function scanOf(db: Registry, id: string) {
  const m = loadModel(devPath(id));
  try {
    const scan = scanModel(db, m);
    return { scan, findings: scanFindings(suspectFacts(m), scan) };
  } finally {
    m.close();
  }
}

before(() => {
  all = baseRegistry(Object.keys(BASES)).db;
  withoutA = baseRegistry(Object.keys(BASES).filter((b) => b !== "A")).db;
  for (const id of devModelIds()) scans.set(id, scanOf(all, id));
});

after(() => {
  all.close();
  withoutA.close();
});

const derivedNames = (s: ScanResult) => s.matches.filter((m) => m.verdict === "derived" && !m.sameFile).map((m) => m.model.name).sort();
const ids = (fs: Finding[], id: string) => fs.filter((f) => f.id === id);

test("every dev model is traced to exactly the from-scratch models whose weights it carries", () => {
  const wrong: string[] = [];
  for (const id of devModelIds()) {
    const { scan } = scans.get(id) as { scan: ScanResult };
    const want = weightSources(id).sort();
    const got = derivedNames(scan);
    if (JSON.stringify(got) !== JSON.stringify(want)) wrong.push(`${id}: found ${got.join(",") || "none"}, truth ${want.join(",") || "none"}`);
  }
  assert.deepEqual(wrong, []);
});

test("a scanned registered file is recognised as itself, with no findings about copies", () => {
  for (const base of Object.keys(BASES)) {
    const { scan, findings } = scans.get(base) as { scan: ScanResult; findings: Finding[] };
    assert.ok(scan.matches.some((m) => m.sameFile && m.model.name === base), base);
    assert.deepEqual(findings.filter((f) => f.severity !== "info").map((f) => f.id), [], base);
  }
});

test("with the true source not registered, no derivative of it is called derived", () => {
  const family = devModelIds().filter((id) => weightSources(id).includes("A"));
  assert.ok(family.length >= 15);
  for (const id of family) {
    const { scan } = scanOf(withoutA, id);
    assert.deepEqual(derivedNames(scan), [], id);
    // the correction covers every registered model, compared or not
    assert.equal(scan.tests, Object.keys(BASES).length - 1);
  }
});

test("base-model claims: false ones are flagged, true ones are not, missing ones are undisclosed", () => {
  const problems: string[] = [];
  for (const id of devModelIds()) {
    const card = TRUTH.models[id]?.card;
    if (!card || weightSources(id).length === 0 && card.claim_true !== false) continue;
    const { findings } = scans.get(id) as { findings: Finding[] };
    const falseClaim = ids(findings, "false-base-claim").length > 0;
    const undisclosed = findings.some((f) => f.id === "undisclosed-base" && f.severity !== "info");
    if (card.claim_true === false && !falseClaim) problems.push(`${id}: false claim ${card.base_model_claim.join(",")} not flagged`);
    if (card.claim_true === true && (falseClaim || undisclosed)) problems.push(`${id}: true claim flagged`);
    if (card.base_model_claim.length === 0 && !falseClaim && !undisclosed) problems.push(`${id}: undeclared base not flagged`);
  }
  assert.deepEqual(problems, []);
});

test("closed weights found are a critical leak; gated weights name their recipients; licences flow down", () => {
  const leak = ids(scans.get("A-q4k")?.findings ?? [], "leak");
  assert.equal(leak.length, 1);
  assert.equal(leak[0]?.severity, "critical");
  assert.equal(leak[0]?.about, "A");
  const gated = ids(scans.get("B-ft")?.findings ?? [], "gated-redistribution");
  assert.equal(gated.length, 1);
  assert.match(gated[0]?.detail ?? "", /Acme Corp, Beta Labs/);
  // B is under the Llama 3.1 licence: its fine-tune must carry the name prefix, attribution, notice and licence copy
  const kinds = ids(scans.get("B-ft")?.findings ?? [], "licence-obligation").map((f) => f.evidence.obligation);
  for (const k of ["name-prefix", "attribution", "notice", "licence-copy", "relicensed"]) assert.ok(kinds.includes(k), `${k} in ${kinds.join(",")}`);
  // independent models of the same shape are said to be only that
  const arch = ids(scans.get("C")?.findings ?? [], "architecture-only");
  assert.equal(arch.length, 1);
  assert.equal(arch[0]?.severity, "info");
});

test("false claims of independent training are caught", () => {
  const f = ids(scans.get("A-bf16")?.findings ?? [], "false-base-claim");
  assert.equal(f.length, 1);
  assert.match(f[0]?.title ?? "", /independent training/);
});

test("with every dev model registered, each derivative's true parents are among the models it is found derived from", () => {
  const { db } = registryOf(devModelIds());
  const missing: string[] = [];
  let checked = 0;
  try {
    for (const id of devModelIds()) {
      // (a distilled model carries none of its teacher's weights: no parent to find in them)
      const parents = weightSources(id).length > 0 ? (TRUTH.models[id]?.parents ?? []) : [];
      if (parents.length === 0) continue;
      const { scan } = scanOf(db, id);
      const derived = new Set(scan.matches.filter((m) => m.verdict === "derived").map((m) => m.model.name));
      for (const p of parents) {
        checked++;
        if (!derived.has(p)) missing.push(`${p} of ${id}`);
      }
    }
  } finally {
    db.close();
  }
  assert.ok(checked >= 25, `${checked} parents checked`);
  assert.deepEqual(missing, []);
});

test("independently trained twins: no finding but architecture-only", () => {
  const { db } = baseRegistry(["B"]);
  try {
    const { findings } = scanOf(db, "A");
    assert.deepEqual(findings.map((f) => `${f.id}/${f.severity}`), ["architecture-only/info"]);
  } finally {
    db.close();
  }
});

test("a gated model's registered recipient publishing it is information, anyone else is a finding", () => {
  const m = loadModel(devPath("B-ft"));
  try {
    const scan = scanModel(all, m);
    const asRecipient = scanFindings(suspectFacts(m, "acme corp"), scan).filter((f) => f.id === "gated-redistribution");
    const asStranger = scanFindings(suspectFacts(m, "Someone Else"), scan).filter((f) => f.id === "gated-redistribution");
    assert.deepEqual(asRecipient.map((f) => f.severity), ["info"]);
    assert.deepEqual(asStranger.map((f) => f.severity), ["high"]);
  } finally {
    m.close();
  }
});

test("a card with broken YAML is a finding, and the scan goes on from the weights", () => {
  const dir = tempDir();
  for (const f of readdirSync(devPath("A-ft"))) copyFileSync(join(devPath("A-ft"), f), join(dir, f));
  writeFileSync(join(dir, "README.md"), "---\nlicense: [apache-2.0\nbase_model: A\n---\n# a model\n");
  const m = loadModel(dir);
  try {
    const scan = scanModel(all, m);
    const findings = scanFindings(suspectFacts(m), scan);
    assert.ok(findings.some((f) => f.id === "unreadable-declaration" && /YAML/.test(f.detail)), JSON.stringify(findings.map((f) => f.id)));
    assert.ok(scan.matches.some((x) => x.model.name === "A" && x.verdict === "derived"));
  } finally {
    m.close();
  }
});
