// The library api called directly on the dev-family models: compare, inspect, the registry
// operations end to end in a temporary registry, run, forge, and cancellation through an
// AbortSignal (before the call, from a progress callback, and a forge worker stopped mid-write).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import {
  compare, exportRegistry, forge, importRegistry, inspect, list, loadModel, register, remove, run, scan, scanExport, show, tree,
  PedigreeError, type ProgressEvent,
} from "../../src/index.js";
import { codeOf } from "../../src/test-support/error-code.js";
import { devPath, TRUTH } from "../../src/test-support/dev-truth.js";
import { tempDir } from "../../src/test-support/tmp.js";

test("compare: A vs A-ft is derived, A vs B is not (as truth.json says), with progress per layer", async () => {
  const truthFt = TRUTH.pairs.find((p) => p.a === "A" && p.b === "A-ft");
  const truthB = TRUTH.pairs.find((p) => [p.a, p.b].sort().join() === "A,B");
  assert.equal(truthFt?.derived, true);
  assert.equal(truthB?.derived, false);
  const events: ProgressEvent[] = [];
  const ft = await compare({ a: devPath("A"), b: devPath("A-ft"), onProgress: (e) => events.push(e) });
  assert.equal(ft.result.verdict, "derived");
  assert.equal(ft.document.schema, "pedigree.compare/1");
  assert.equal(ft.document.verdict, ft.result.verdict);
  assert.ok(events.some((e) => e.stage === "attention"), "progress reported per layer");
  // a loaded model is used as given and left open for the next call
  const a = loadModel(devPath("A"));
  try {
    const b = await compare({ a, b: devPath("B") });
    assert.notEqual(b.result.verdict, "derived");
    assert.ok(a.tensors.size > 0);
    assert.equal((await inspect({ model: a })).layers, 6);
  } finally {
    a.close();
  }
});

test("compare is cancelled by an AbortSignal: before the call, and from a progress callback", async () => {
  const before = new AbortController();
  before.abort();
  assert.equal(await codeOf(compare({ a: devPath("A"), b: devPath("A-ft"), signal: before.signal })), "aborted");
  const during = new AbortController();
  let after = 0;
  const code = await codeOf(compare({
    a: devPath("A"), b: devPath("A-ft"), signal: during.signal,
    onProgress: () => {
      after++;
      during.abort();
    },
  }));
  assert.equal(code, "aborted");
  assert.equal(after, 1, "stopped at the first unit of work after the abort");
});

test("register, list, show, scan, tree, export, import, remove in a temporary registry", async () => {
  const dir = tempDir("pedigree-api-");
  const registry = join(dir, "lab.db");
  const a = await register({ model: devPath("A"), registry, meta: { name: "A", owner: "Lab A", tier: "closed", license: "apache-2.0" } });
  assert.equal(a.registry, registry);
  assert.equal(a.entry.name, "A");
  await register({ model: devPath("B"), registry, meta: { name: "B", owner: "Lab B", tier: "open", license: "mit" } });
  assert.equal(await codeOf(register({ model: devPath("A-ft"), registry, meta: { name: "A", owner: "x", tier: "open", license: "mit" } })), "conflict");
  assert.equal(await codeOf(register({ model: devPath("A-ft"), registry, meta: { name: " bad", owner: "x", tier: "open", license: "mit" } })), "usage");
  assert.deepEqual((await list({ registry })).models.map((m) => m.name), ["A", "B"]);
  assert.equal((await show({ name: "A", registry })).tier, "closed");
  assert.equal(await codeOf(show({ name: "nope", registry })), "not-found");

  const outcome = await scan({ model: devPath("A-ft"), registry });
  assert.deepEqual(outcome.document.derivedFrom, ["A"]);
  assert.ok(outcome.findings.some((f) => f.id === "leak"), "a derivative of a closed model is a leak");
  assert.ok(outcome.failing.length > 0);
  assert.equal(outcome.document.exitCode, 1);
  assert.equal((scanExport(outcome, "cyclonedx") as { bomFormat: string }).bomFormat, "CycloneDX");
  assert.equal((scanExport(outcome, "sarif") as { version: string }).version, "2.1.0");
  const clean = await scan({ model: devPath("A-ft"), registry, failOn: "never" });
  assert.deepEqual(clean.failing, []);

  const t = await tree({ registry });
  assert.equal(t.document.schema, "pedigree.tree/1");
  assert.equal(t.document.models, 2);

  const out = join(dir, "export.jsonl");
  assert.equal((await exportRegistry({ registry, out })).models, 2);
  const lines: string[] = [];
  await exportRegistry({ registry, write: (l) => void lines.push(l) });
  assert.equal(lines.length, 3);
  const copy = join(dir, "copy.db");
  const imported = await importRegistry({ file: out, registry: copy });
  assert.deepEqual(imported.names.sort(), ["A", "B"]);

  assert.equal((await remove({ name: "B", registry })).removed.name, "B");
  assert.deepEqual((await list({ registry })).models.map((m) => m.name), ["A"]);
  // reading a registry that does not exist: not-found (a read never invents a registry), nothing created
  await assert.rejects(list({ registry: join(dir, "missing.db") }), (e: unknown) => e instanceof PedigreeError && e.code === "not-found");
  assert.ok(!existsSync(join(dir, "missing.db")));
});

test("register and scan cancelled from a progress callback leave the registry unchanged", async () => {
  const registry = join(tempDir("pedigree-api-"), "lab.db");
  const stop = new AbortController();
  const code = await codeOf(register({
    model: devPath("A"), registry, signal: stop.signal, meta: { name: "A", owner: "Lab A", tier: "open", license: "mit" },
    onProgress: (e) => e.done >= 2 && stop.abort("enough"),
  }));
  assert.equal(code, "aborted");
  assert.deepEqual((await list({ registry })).models, []);
  await register({ model: devPath("B"), registry, meta: { name: "B", owner: "Lab B", tier: "open", license: "mit" } });
  const scanStop = new AbortController();
  const stages = new Set<string>();
  assert.equal(await codeOf(scan({
    model: devPath("B-ft"), registry, signal: scanStop.signal,
    onProgress: (e) => {
      stages.add(e.stage);
      if (e.stage === "fingerprint" && e.done === 3) scanStop.abort();
    },
  })), "aborted");
  assert.deepEqual([...stages], ["fingerprint"]);
  assert.deepEqual((await list({ registry })).models.map((m) => m.name), ["B"]);
});

test("run: greedy tokens, and a run stopped after two tokens", async () => {
  const g = await run({ model: devPath("A"), prompt: [1, 2, 3], maxTokens: 4 });
  assert.equal(g.kind, "generation");
  if (g.kind === "generation") assert.ok(g.tokens.length <= 4 && g.tokens.length > 0);
  const again = await run({ model: devPath("A"), prompt: [1, 2, 3], maxTokens: 4 });
  assert.deepEqual(again.kind === "generation" && again.tokens, g.kind === "generation" && g.tokens, "greedy decoding is deterministic");
  const next = await run({ model: devPath("A"), prompt: [1, 2, 3], logits: 5 });
  assert.equal(next.kind === "next-tokens" && next.top.length, 5);
  const stop = new AbortController();
  let seen = 0;
  assert.equal(await codeOf(run({ model: devPath("A"), prompt: [1, 2, 3], maxTokens: 50, signal: stop.signal, onProgress: (e) => {
    seen = e.done;
    if (e.done === 2) stop.abort();
  } })), "aborted");
  assert.equal(seen, 2);
});

test("forge: a derivative with its ground truth; an abort stops the worker and leaves nothing behind", async () => {
  const dir = tempDir("pedigree-api-forge-");
  const done = await forge({ input: devPath("A"), steps: "drop-layers:0", out: join(dir, "drop") });
  assert.equal((done.record as { truth: { relation: string } }).truth.relation, "layer-drop");
  assert.equal((await inspect({ model: join(dir, "drop") })).layers, 5);

  const stop = new AbortController();
  let events = 0;
  const big = forge({
    synthesize: { family: "llama", dim: 256, layers: 8, ffn: 688, heads: 8, kvHeads: 8, vocab: 32000, ctx: 256, tied: false, seed: 0 },
    out: join(dir, "big"), signal: stop.signal,
    onProgress: () => {
      if (++events === 1) stop.abort();
    },
  });
  assert.equal(await codeOf(big), "aborted");
  assert.deepEqual(readdirSync(dir), ["drop"], "no output and no partial files");
});
