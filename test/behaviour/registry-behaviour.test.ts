/**
 * Behavioural fingerprints in the registry, on real models (dev-families): `register --behaviour`
 * stores a bounded `behaviour` part that survives export and import and verifies; `scan --behaviour`
 * runs only the suspect and reports a `behaviour` object (valid against docs/schemas/scan.schema.json)
 * beside the weight findings, naming the registered teacher of a distilled student first and a
 * registered copy of the suspect as identical, never calling an independent model behaviour-derived.
 * A registered quantization of the teacher (A-q4k) is a target too, but never a control for A, nor A
 * for it: their weights are related, and a control that behaves like the target would hide its students.
 * stories260K (S, another tokenizer) is a target at the text level; for its fine-tune S-ft, whose
 * tokenizer no other registered model shares, every target is tested at the text level.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, test } from "node:test";
import { register } from "../../src/api/register.js";
import { decodeBehaviour, encodeBehaviour, STORED_TOP_K } from "../../src/behaviour/stored.js";
import { BEHAVIOUR_PART } from "../../src/fingerprint/codec.js";
import { openRegistry } from "../../src/registry/open.js";
import { loadAllParts } from "../../src/registry/store.js";
import { verifyRegistry } from "../../src/registry/verify.js";
import { runCli } from "../../src/test-support/cli.js";
import { devPath } from "../../src/test-support/dev-truth.js";
import { pedigreeValidator } from "../../src/test-support/schemas.js";
import { sharedPath } from "../../src/test-support/shared.js";
import { tempDir } from "../../src/test-support/tmp.js";

let dir = "";
let reg = "";
const REGISTERED = ["A", "B", "D", "G", "A-q4k", "S"];

before(async () => {
  dir = tempDir("pedigree-behaviour-reg-");
  reg = join(dir, "reg.db");
  for (const id of REGISTERED) {
    await register({ model: devPath(id), registry: reg, behaviour: true, meta: { name: id, owner: "lab", tier: "closed", license: "apache-2.0" } });
  }
  // one model without a behavioural fingerprint: not a target, not a control
  await register({ model: devPath("C"), registry: reg, meta: { name: "C", owner: "lab", tier: "open", license: "apache-2.0" } });
});

test("register --behaviour stores a bounded behaviour part that decodes, verifies, and survives export and import", () => {
  const db = openRegistry(reg);
  try {
    const id = db.prepare("SELECT id FROM models WHERE name = 'A'").pluck().get() as number;
    const bytes = loadAllParts(db, id).get(BEHAVIOUR_PART);
    assert.ok(bytes, "A has a behaviour part");
    // the token view and the text view (layout 2), 255 KiB each at most
    assert.ok(bytes.length <= 2 * 256 * 1024, `${bytes.length} bytes`);
    const r = decodeBehaviour(bytes);
    assert.ok(r.text && r.text.probes.length === 30);
    assert.equal(r.k, STORED_TOP_K);
    assert.equal(r.probes.length, 30);
    assert.equal(r.vocabSize, 256);
    // log-probabilities in 1/8-nat steps, most likely first; re-encoding is byte for byte
    const p = r.probes[0];
    assert.ok(p && p.tokens.length > 50);
    for (let j = 1; j < r.k; j++) assert.ok((p.logp[j] as number) <= (p.logp[j - 1] as number));
    assert.deepEqual(encodeBehaviour(r), bytes);
    const c = db.prepare("SELECT id FROM models WHERE name = 'C'").pluck().get() as number;
    assert.equal(loadAllParts(db, c).has(BEHAVIOUR_PART), false);
    assert.deepEqual(verifyRegistry(db), []);
  } finally {
    db.close();
  }
  const file = join(dir, "export.jsonl");
  assert.equal(runCli(["export", "--out", file, "--registry", reg]).code, 0);
  const other = join(dir, "other.db");
  const imp = runCli(["import", file, "--registry", other]);
  assert.equal(imp.code, 0, imp.stderr);
  const db2 = openRegistry(other);
  try {
    const id = db2.prepare("SELECT id FROM models WHERE name = 'B'").pluck().get() as number;
    assert.ok(loadAllParts(db2, id).has(BEHAVIOUR_PART));
    assert.deepEqual(verifyRegistry(db2), []);
  } finally {
    db2.close();
  }
});

test("scan --behaviour: a behaviour object beside the weight findings; the student's teacher comes first, nothing independent is derived", () => {
  const r = runCli(["scan", devPath("A-distil"), "--registry", reg, "--behaviour", "--json", "--fail-on", "never"]);
  assert.equal(r.code, 0, r.stderr.slice(0, 400));
  const doc = JSON.parse(r.stdout) as Record<string, unknown>;
  const v = pedigreeValidator("scan");
  assert.ok(v(doc), JSON.stringify(v.errors?.slice(0, 5)));
  // the weights say independent of everything registered; behaviour is reported apart
  assert.deepEqual(doc.derivedFrom, []);
  const b = doc.behaviour as {
    registered: number; testsCorrectedFor: number; derived: string[]; identical: string[]; untested: string[];
    candidates: Array<{ name: string; level: string; verdict: string; pValue: number; pAdjusted: number; controls: Array<{ name: string }>; relatives: string[] }>;
  };
  assert.equal(b.registered, 6);
  assert.equal(b.testsCorrectedFor, 6);
  assert.deepEqual(b.identical, []);
  assert.deepEqual(b.untested, []);
  const first = b.candidates.slice(0, 2).map((c) => c.name).sort();
  assert.deepEqual(first, ["A", "A-q4k"], JSON.stringify(b.candidates.map((c) => [c.name, c.pValue])));
  const byName = new Map(b.candidates.map((c) => [c.name, c]));
  for (const c of b.candidates) {
    assert.equal(c.pAdjusted, Math.min(1, 6 * c.pValue));
    assert.equal(c.level, c.name === "S" ? "text" : "token", c.name);
    if (c.name !== "A" && c.name !== "A-q4k") assert.notEqual(c.verdict, "behaviour-derived", c.name);
  }
  // the teacher and its quantization are each other's weight relatives, never each other's controls
  const names = (n: string) => (byName.get(n)?.controls ?? []).map((x) => x.name).sort();
  assert.deepEqual(byName.get("A")?.relatives, ["A-q4k"]);
  assert.deepEqual(byName.get("A-q4k")?.relatives, ["A"]);
  assert.deepEqual(names("A"), ["B", "D", "G"]);
  assert.deepEqual(names("A-q4k"), ["B", "D", "G"]);
  // for an unrelated target both are controls
  assert.deepEqual(byName.get("B")?.relatives, []);
  assert.deepEqual(names("B"), ["A", "A-q4k", "D", "G"]);
});

test("scan --behaviour of a registered model names it as behaviourally identical and tests the others only", () => {
  const r = runCli(["scan", devPath("B"), "--registry", reg, "--behaviour"]);
  assert.match(r.stdout, /behaves identically to: B \(not tested\)/);
  assert.match(r.stdout, /5 registered models tested/);
  assert.match(r.stdout, /behaviour-derived from: none/);
  for (const line of r.stdout.split("\n")) assert.ok(line.length <= 80, line);
});

test("scan --behaviour of a model whose tokenizer only its parent shares: no target has 2 controls like it, nothing tested", async () => {
  const r = runCli(["scan", devPath("S-ft"), "--registry", reg, "--behaviour", "--json", "--fail-on", "never"]);
  assert.equal(r.code, 0, r.stderr.slice(0, 400));
  const b = (JSON.parse(r.stdout) as { behaviour: { testsCorrectedFor: number; comparable: number; untested: string[]; candidates: unknown[]; note: string } }).behaviour;
  // S by its tokenizer, the byte models by their text views; but the controls must share S-ft's
  // tokenizer, and only S does (and S is its parent by weights)
  assert.equal(b.comparable, 6);
  assert.equal(b.testsCorrectedFor, 0);
  assert.deepEqual([...b.untested].sort(), [...REGISTERED].sort());
  assert.deepEqual(b.candidates, []);
  assert.match(b.note, /2 controls of the suspect's tokenizer/);
});

test("the bounded view (owners, analysts) of a real scan: no counts, no relatives, no untested targets, no pBest", async () => {
  const { scan } = await import("../../src/api/scan.js");
  const { boundedBehaviour } = await import("../../src/api/behaviour-views.js");
  const o = await scan({ model: devPath("A-distil"), registry: reg, behaviour: true, failOn: "never" });
  const full = o.document.behaviour!;
  assert.ok(full.candidates.some((c) => c.relatives.length > 0), "A and A-q4k are each other's relatives");
  const v = boundedBehaviour(full, 10) as unknown as Record<string, unknown> & { candidates: Array<Record<string, unknown>> };
  for (const key of ["registered", "comparable", "untested"]) assert.equal(key in v, false, key);
  assert.equal(v.candidates.length, 3);
  for (const c of v.candidates) for (const key of ["relatives", "pBest", "controls", "pRank"]) assert.equal(key in c, false, key);
  assert.equal(v.testsCorrectedFor, 10);
  // with fewer targets tested than the list's length, no list: its length would tell the count
  const few = boundedBehaviour({ ...full, testsCorrectedFor: 2, candidates: full.candidates.slice(0, 2) }, 10);
  assert.deepEqual(few.candidates, []);
  assert.match(String(few.note), /fewer registered models could be tested than this view lists/);
});

test("scan --behaviour of a model without a tokenizer is a one-line usage error before any scanning (exit 2)", () => {
  const r = runCli(["scan", sharedPath("models", "llama2xs-saltyduckegg", "model.bin"), "--registry", reg, "--behaviour"]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /no tokenizer; scan --behaviour encodes probe texts/);
  assert.equal(r.stdout, "");
});

test("compare --behaviour --registry: controls chosen as scan chooses them, the same p-value as the scan's test of that target", () => {
  const r = runCli(["compare", devPath("A"), devPath("A-distil"), "--behaviour", "--registry", reg, "--json"]);
  assert.equal(r.code, 0, r.stderr.slice(0, 400));
  const doc = JSON.parse(r.stdout) as Record<string, unknown>;
  const v = pedigreeValidator("compare");
  assert.ok(v(doc), JSON.stringify(v.errors?.slice(0, 5)));
  const b = doc.behaviour as { pValue: number; level: string; controls: Array<{ path: string }>; controlsFrom: { registry: string; relatives: string[]; copies: string[] } };
  assert.equal(b.level, "token");
  // A itself is registered (a copy of A: left out), A-q4k is its quantization (a weight relative)
  assert.deepEqual(b.controlsFrom.copies, ["A"]);
  assert.deepEqual(b.controlsFrom.relatives, ["A-q4k"]);
  assert.deepEqual(b.controls.map((c) => c.path).sort(), ["B", "D", "G"]);
  const s = JSON.parse(runCli(["scan", devPath("A-distil"), "--registry", reg, "--behaviour", "--json", "--fail-on", "never"]).stdout) as { behaviour: { candidates: Array<{ name: string; pValue: number }> } };
  assert.equal(b.pValue, s.behaviour.candidates.find((c) => c.name === "A")?.pValue);
  for (const args of [["--registry", reg], ["--behaviour", "--registry", reg, "--controls", devPath("B")]]) {
    const e = runCli(["compare", devPath("A"), devPath("A-distil"), ...args]);
    assert.equal(e.code, 2, e.stderr);
    assert.equal(e.stderr.trim().split("\n").length, 1, e.stderr);
  }
});
