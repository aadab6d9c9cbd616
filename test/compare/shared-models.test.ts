/**
 * The real models in ../shared/models (SOURCES.md): the same model across formats and layouts, a
 * quantized export, models that share an initialisation — derived; independent runs of one
 * architecture and unrelated models — never derived.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { compare } from "../../src/compare.js";
import { sharedPath } from "../../src/test-support/shared.js";

const M = (p: string) => sharedPath("models", p);
const cases: Array<[string, string, boolean, string]> = [
  ["stories260K/stories260K.bin", "stories260K/stories260K.gguf", true, "same weights, GGUF container"],
  ["stories260K/stories260K.bin", "stories260K/stories260K_q80.bin", true, "int8 export"],
  ["stories260K/stories260K.bin", "stories260K/rvspoc-stories260K.bin", true, "scrambled layout, same embedding"],
  ["stories260K/stories260K.bin", "stories260K/rvspoc-stories260K.transpose.bin", true, "scrambled layout"],
  ["llama2xs-saltyduckegg/ckpt.pt", "llama2xs-saltyduckegg/model.bin", true, "PyTorch checkpoint and its llama2.c export"],
  ["gpt-by-hand/ckpt-run1.pt", "gpt-by-hand/ckpt-run2.pt", true, "same initialisation, near-duplicate retrain"],
  ["gpt-by-hand/ckpt-run1.pt", "gpt-by-hand/ckpt-run3.pt", true, "same initialisation, different data"],
  ["gpt-by-hand/ckpt-run2.pt", "gpt-by-hand/ckpt-run3.pt", true, "same initialisation, different data"],
  ["stories260K/stories260K.bin", "llama2xs-saltyduckegg/model.bin", false, "same data, tokenizer and code; independent run"],
  ["babyllama-en10/model5000-tok105.bin", "babyllama-en10/model5000-tok361.bin", false, "same body, independent runs"],
  ["makemore-fun/bigram.safetensors", "makemore-fun/garbage.safetensors", false, "trained vs untrained"],
  ["slm4096/ckpt.pt", "stories260K/stories260K.bin", false, "unrelated"],
  ["slm4096/ckpt.pt", "gpt-by-hand/ckpt-run1.pt", false, "unrelated"],
  ["makemore-fun/default-tiny-shakespeare.safetensors", "slm4096/ckpt.pt", false, "unrelated"],
  ["babyllama-en10/model5000-tok105.bin", "stories260K/stories260K.bin", false, "unrelated"],
];

for (const [a, b, derived, why] of cases) {
  test(`${a} vs ${b}: ${derived ? "derived" : "not derived"} (${why})`, () => {
    const r = compare(M(a), M(b));
    if (derived) {
      assert.equal(r.verdict, "derived");
      assert.ok(r.logP < Math.log(1e-12), `log10 p ${r.logP / Math.LN10}`);
    } else assert.notEqual(r.verdict, "derived");
  });
}

test("the identical stories260K pair maps every layer to itself and reports the container change", () => {
  const r = compare(M("stories260K/stories260K.bin"), M("stories260K/stories260K.gguf"));
  assert.deepEqual(r.layerMap.map((l) => l.a), [0, 1, 2, 3, 4]);
  assert.ok(r.transforms.some((t) => t.kind === "converted"));
  assert.ok(r.transforms.some((t) => t.kind === "identical"));
  // byte tokens and their characters share surface texts: fewer pairs than tokens is not a vocabulary edit
  assert.ok((r.tokens?.shared ?? 0) < 512);
  assert.deepEqual([r.tokens?.added, r.tokens?.removed], [0, 0]);
  assert.ok(!r.transforms.some((t) => t.kind.startsWith("vocab-")), r.transforms.map((t) => t.kind).join());
});

test("a vocabulary extension is reported with the number of tokens added, and nothing trimmed", () => {
  const r = compare(sharedPath("dev-families", "A"), sharedPath("dev-families", "A-vocab"));
  assert.equal(r.verdict, "derived");
  const vocab = r.transforms.filter((t) => t.kind.startsWith("vocab-"));
  assert.deepEqual(vocab.map((t) => [t.kind, t.values]), [["vocab-extended", { added: 64 }]]);
});
