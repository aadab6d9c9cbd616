/**
 * The behavioural test on real models (dev-families, 256-token byte vocabulary) and a few probe texts
 * to keep it to seconds: records are real distributions, a behavioural copy of A stands out from
 * independently trained controls, a suspect unlike every control is not judged, tokenizers must match.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { builtinProbes, readProbes, type ProbeSet } from "../../src/behaviour/probes.js";
import { recordBehaviour, type BehaviourRecord } from "../../src/behaviour/record.js";
import { behaviourVerdict } from "../../src/behaviour/verdict.js";
import { PedigreeError } from "../../src/errors.js";
import { loadModel } from "../../src/load-model.js";
import { devPath } from "../../src/test-support/dev-truth.js";
import { tempDir } from "../../src/test-support/tmp.js";

// One text per domain.
const all = builtinProbes();
const probes: ProbeSet = { version: all.version, texts: all.texts.filter((_, i) => i % 5 === 0) };

const cache = new Map<string, BehaviourRecord>();
function rec(id: string): { name: string; record: BehaviourRecord } {
  let r = cache.get(id);
  if (!r) {
    const m = loadModel(devPath(id));
    try {
      r = recordBehaviour(m, probes);
    } finally {
      m.close();
    }
    cache.set(id, r);
  }
  return { name: id, record: r };
}

test("the built-in probes: 30 ASCII texts in 6 domains, each under 128 bytes", () => {
  assert.equal(all.texts.length, 30);
  assert.equal(new Set(all.texts.map((t) => t.domain)).size, 6);
  for (const t of all.texts) {
    assert.ok(t.text.length < 128, t.text);
    assert.ok([...t.text].every((c) => c === "\n" || (c >= " " && c <= "~")), t.text);
  }
});

test("a record holds each position's top-k log-probabilities, most likely first, summing to at most 1", () => {
  const { record } = rec("A");
  assert.equal(record.vocabSize, 256);
  assert.equal(record.probes.length, probes.texts.length);
  for (const p of record.probes) {
    for (let i = 0; i < p.tokens.length; i++) {
      let mass = 0;
      for (let j = 0; j < record.k; j++) {
        const lp = p.logp[i * record.k + j] as number;
        mass += Math.exp(lp);
        if (j > 0) assert.ok(lp <= (p.logp[i * record.k + j - 1] as number));
      }
      assert.ok(mass <= 1 + 1e-5 && mass > 0.5, `mass ${mass}`);
      assert.ok((p.floor[i] as number) <= (p.logp[i * record.k + record.k - 1] as number));
    }
  }
  // A byte model predicts the probe's own next byte well on English prose.
  const p0 = record.probes[0];
  assert.ok(p0);
  let hits = 0;
  for (let i = 0; i + 1 < p0.tokens.length; i++) if (p0.ids[i * record.k] === p0.tokens[i + 1]) hits++;
  assert.ok(hits / (p0.tokens.length - 1) > 0.4, `top-1 accuracy ${hits}`);
});

test("a behavioural copy of A (its q8_0 quantization) agrees with A's idiosyncrasies far beyond independent controls", () => {
  const r = behaviourVerdict(rec("A"), rec("A-q8"), [rec("B"), rec("C"), rec("D")]);
  assert.ok(r.suspectAgreement > 0.9, `agreement ${r.suspectAgreement}`);
  for (const c of r.controls) assert.ok(c.agreement < r.suspectAgreement - 0.2, `${c.name} ${c.agreement}`);
  assert.equal(r.pRank, 0.25);
  assert.notEqual(r.verdict, "behaviour-independent");
  assert.ok(r.evidence.length > 0 && r.evidence[0]!.excess > 0);
});

test("a suspect unlike every control (G, trained on man pages, against prose controls) is not judged", () => {
  const r = behaviourVerdict(rec("C"), rec("G"), [rec("A"), rec("B"), rec("D")]);
  assert.equal(r.verdict, "inconclusive");
  assert.match(r.reason, /unlike every control/);
});

test("models that tokenize the probes differently are refused with one clear line", () => {
  const s = loadModel(devPath("S"));
  let sRec: BehaviourRecord;
  try {
    sRec = recordBehaviour(s, probes);
  } finally {
    s.close();
  }
  assert.throws(() => behaviourVerdict(rec("A"), { name: "S", record: sRec }, [rec("B"), rec("D")]), (e: unknown) => e instanceof PedigreeError && /tokenize the probe texts differently/.test(e.message));
  assert.throws(() => behaviourVerdict(rec("A"), rec("B"), []), /at least one control/);
});

test("a probe file: one text per line, JSON strings for newlines; too few texts is an error naming the file", () => {
  const dir = tempDir("probes");
  const good = join(dir, "good.txt");
  writeFileSync(good, "# my probes\nfirst text\n\n\"second\\ntext\"\n");
  const set = readProbes(good);
  assert.deepEqual(set.texts.map((t) => t.text), ["first text", "second\ntext"]);
  const bad = join(dir, "bad.txt");
  writeFileSync(bad, "only one\n");
  assert.throws(() => readProbes(bad), (e: unknown) => e instanceof PedigreeError && e.oneLine().includes("bad.txt") && /at least 2/.test(e.oneLine()));
  assert.throws(() => readProbes(join(dir, "missing.txt")), /cannot read the probe file/);
});

test("compare --behaviour without controls, or --controls without --behaviour, is a one-line usage error (exit 2)", async () => {
  const { runCli } = await import("../../src/test-support/cli.js");
  for (const args of [["--behaviour"], ["--controls", devPath("B")]]) {
    const r = runCli(["compare", devPath("A"), devPath("A-q8"), ...args]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /--behaviour|--controls/);
  }
});

test("compare --behaviour --json: a behaviour object beside the weight verdict, which it leaves as it is", async () => {
  const { runCli } = await import("../../src/test-support/cli.js");
  const dir = tempDir("probes");
  const file = join(dir, "probes.txt");
  writeFileSync(file, `${all.texts[0]?.text}\n${all.texts[5]?.text}\n`);
  const args = ["compare", devPath("A"), devPath("A-q8"), "--json"];
  const r = runCli([...args, "--behaviour", "--controls", `${devPath("B")},${devPath("D")}`, "--probes", file]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as Record<string, unknown> & { behaviour: Record<string, unknown> & { controls: unknown[]; probes: { texts: number; version: string }; cost: { tokens: number } } };
  // the weight verdict is still the weight verdict: A-q8 is A's Q8_0 quantization
  assert.equal(doc.verdict, "derived");
  assert.ok((doc.log10PValue as number) < -6);
  assert.ok(["behaviour-derived", "behaviour-independent", "inconclusive"].includes(doc.behaviour.verdict as string));
  assert.equal(typeof doc.behaviour.pValue, "number");
  assert.equal(doc.behaviour.controls.length, 2);
  assert.equal(doc.behaviour.probes.texts, 2);
  assert.equal(doc.behaviour.probes.version, file);
  assert.ok(doc.behaviour.cost.tokens > 100);
});
