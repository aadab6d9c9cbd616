/**
 * Every model in ../shared (models, dev-families, testvectors) is read and inspected, with every
 * tensor decoded and digested; tokenizer files that are not weights fail cleanly.
 */
import assert from "node:assert/strict";
import { basename } from "node:path";
import { test } from "node:test";
import { PedigreeError } from "../../src/errors.js";
import { loadModel } from "../../src/load-model.js";
import { inspectDocument } from "../../src/report/inspect-document.js";
import { devModelIds, sharedFiles, sharedPath } from "../../src/test-support/shared.js";

const weightFiles = sharedFiles("models").filter((f) => /\.(bin|gguf|pt|safetensors)$/.test(f) && !/\/tok\d+\.bin$/.test(f));
const targets = [...weightFiles, ...devModelIds().map((id) => sharedPath("dev-families", id)), ...sharedFiles("testvectors").filter((f) => f.endsWith(".gguf"))];

test(`inspects all ${targets.length} models in ../shared, every tensor digested`, () => {
  assert.ok(targets.length >= 100);
  for (const p of targets) {
    const m = loadModel(p);
    try {
      const doc = inspectDocument(m, { tensors: true, digests: true });
      assert.ok(doc.parameters > 0, p);
      assert.ok(doc.tensors && doc.tensors.length > 0, p);
      for (const t of doc.tensors) assert.match(t.f32sha256 ?? "", /^[0-9a-f]{64}$/, `${p}: ${t.name}`);
      if (!p.includes("testvectors") && !p.includes("makemore")) assert.ok(doc.layers > 0, `${p}: no layers found`);
    } finally {
      m.close();
    }
  }
});

test("tokenizer files are not mistaken for weights", () => {
  for (const f of [sharedPath("models", "stories260K", "tok512.bin"), sharedPath("models", "babyllama-en10", "tok105.model")]) {
    assert.throws(() => loadModel(f), (e: unknown) => e instanceof PedigreeError && e.oneLine().startsWith(f) && !e.oneLine().includes("\n"), basename(f));
  }
});

test("declared metadata and tokenizer of a dev-family GGUF", () => {
  const m = loadModel(sharedPath("dev-families", "A-q4k"));
  const doc = inspectDocument(m, { tensors: false, digests: false });
  assert.equal(doc.format, "gguf");
  assert.equal(doc.architecture, "llama");
  assert.equal(doc.layers, 6);
  assert.ok(Object.keys(doc.dtypes).some((k) => k.startsWith("Q")));
  assert.equal(doc.tokenizer?.size, 256);
  m.close();
});
