// The function-preserving steps, checked by running the models: permute, scale, rotate, all of
// them combined, and convert / rename round trips through files keep the logits within 1e-4.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadModel } from "../load-model.js";
import type { CanonicalModel } from "../model/canonical.js";
import { materialize } from "../model/materialize.js";
import { sharedPath } from "../test-support/shared.js";
import { tempDir } from "../test-support/tmp.js";
import { forge, forgeInMemory } from "./forge.js";
import { logitsOf, relativeDiff, relChange, tokenBatch } from "./test-helpers.js";

const MODELS: Record<string, string> = {
  stories260K: sharedPath("models", "stories260K", "stories260K.bin"),
  A: sharedPath("dev-families", "A"),
  G: sharedPath("dev-families", "G"),
  "A-moe": sharedPath("dev-families", "A-moe"),
};

const TOL = 1e-4;

function assertSameFunction(a: Float32Array, b: Float32Array, what: string): void {
  const d = relativeDiff(a, b);
  assert.ok(d.l2 < TOL && d.max < TOL, `${what}: logits differ by ${d.l2.toExponential(2)} (L2), ${d.max.toExponential(2)} (max)`);
}

const loaded = new Map<string, { m: CanonicalModel; tokens: number[]; ref: Float32Array }>();
function model(id: string) {
  let x = loaded.get(id);
  if (!x) {
    const m = loadModel(MODELS[id] as string);
    const tokens = tokenBatch(m.params.vocab);
    x = { m, tokens, ref: logitsOf(m, tokens) };
    loaded.set(id, x);
  }
  return x;
}

for (const id of Object.keys(MODELS)) {
  test(`${id}: permute, scale, rotate and all three combined keep the logits`, () => {
    const { m, tokens, ref } = model(id);
    for (const [steps, seed] of [["permute", 3], ["scale", 4], ["rotate", 5], ["permute,scale,rotate", 6], ["rotate,permute,scale,permute", 7]] as const) {
      const a = forgeInMemory(m, steps, seed);
      try {
        const f = materialize(a.draft);
        assertSameFunction(logitsOf(f, tokens), ref, `${id} ${steps}`);
        // ... while the weights really changed
        const q = relChange(f.tensors.get("layers.0.attn.q")?.read() as Float32Array, m.tensors.get("layers.0.attn.q")?.read() as Float32Array);
        assert.ok(q > 0.1, `${id} ${steps}: layers.0.attn.q barely changed (${q})`);
        assert.equal(a.truth.chain.every((r) => r === "obfuscated"), true);
        assert.equal(a.truth.relationTo(0), "obfuscated");
      } finally {
        a.close();
      }
    }
  });
}

test("permute respects GQA groups and records its permutations; rotate unties a tied head", () => {
  const g = model("G").m;
  const a = forgeInMemory(g, "permute", 11);
  const rec = a.chain[0]?.record as { layers: Array<{ kvHeads: number[]; qHeads: number[]; units: number[] }>; residual: number[] };
  assert.equal(rec.residual.length, 128);
  for (const L of rec.layers) {
    assert.equal(L.units.length, 352);
    // 4 query heads, 2 kv heads: new query head h sits in new group floor(h / 2), which is old group kvHeads[g]
    L.qHeads.forEach((old, h) => assert.equal(Math.floor(old / 2), L.kvHeads[Math.floor(h / 2)]));
  }
  a.close();
  const s = model("stories260K").m;
  assert.equal(s.params.tiedEmbeddings, true);
  const r = forgeInMemory(s, "rotate", 2);
  assert.equal(r.draft.params.tiedEmbeddings, false);
  assert.ok(r.draft.tensors.some((t) => t.key === "head"));
  assert.equal((r.chain[0]?.record as { untiedHead: boolean }).untiedHead, true);
  r.close();
});

test("convert and rename round trips through files keep the logits", () => {
  const dir = tempDir("pedigree-forge-rt-");
  const cases: Array<[string, string, string, string | undefined, string]> = [
    ["stories260K", "convert:gguf", "s.gguf", "F32", "gguf"],
    ["stories260K", "rename:meta", "s-meta", "F32", "safetensors"],
    ["stories260K", "permute,scale,rotate", "s-obf.bin", undefined, "llama2c"],
    ["A", "rename:transformer-h", "a-th", "F32", "safetensors"],
    ["A", "rename:gguf-names", "a-gn", "F32", "safetensors"],
    ["A", "convert:llama2c", "a.bin", undefined, "llama2c"],
    ["A", "permute,scale,rotate,convert:hf", "a-obf", "F32", "safetensors"],
    ["G", "permute,scale,rotate,convert:gguf", "g.gguf", "F32", "gguf"],
    ["A-moe", "convert:gguf", "m.gguf", "F32", "gguf"],
    ["A-moe", "rename:meta", "m-meta", "F32", "safetensors"],
  ];
  for (const [id, steps, out, dtype, format] of cases) {
    const { tokens, ref } = model(id);
    const r = forge({ input: MODELS[id], steps, out: join(dir, out), dtype });
    const b = loadModel(r.out);
    try {
      assert.equal(b.format, format, `${id} ${steps}`);
      assertSameFunction(logitsOf(b, tokens), ref, `${id} ${steps} -> ${out}`);
      const rec = r.record as { truth: { relation: string } };
      assert.equal(rec.truth.relation, steps.startsWith("convert") || steps.startsWith("rename") ? "format" : "obfuscated");
    } finally {
      b.close();
    }
  }
  const th = loadModel(join(dir, "a-th"));
  assert.equal(th.architecture, "YiForCausalLM");
  assert.ok(th.entries.some((e) => e.name.startsWith("transformer.h.0.")));
  th.close();
});
