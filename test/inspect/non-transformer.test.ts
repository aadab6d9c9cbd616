/** `inspect` on weights that are not a transformer says so, instead of printing invented defaults. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadModel } from "../../src/load-model.js";
import { inspectDocument } from "../../src/report/inspect-document.js";
import { inspectText } from "../../src/report/inspect-text.js";
import { sharedPath } from "../../src/test-support/shared.js";

function inspect(path: string) {
  const m = loadModel(path);
  try {
    const doc = inspectDocument(m, { tensors: false, digests: false });
    return { doc, text: inspectText(doc) };
  } finally {
    m.close();
  }
}

test("a makemore bigram table is not a transformer, and inspect says so", () => {
  const { doc, text } = inspect(sharedPath("models", "makemore-fun", "bigram.safetensors"));
  assert.equal(doc.transformer, false);
  assert.match(text, /architecture {2}not a transformer/);
  assert.doesNotMatch(text, /0 layers|dim 0|embeddings tied/);
  const llama = inspect(sharedPath("models", "stories260K", "stories260K.gguf"));
  assert.equal(llama.doc.transformer, true);
  assert.match(llama.text, /5 layers, dim 64/);
});
