import { test } from "node:test";
import assert from "node:assert/strict";
import { UsageError } from "../errors.js";
import { parseLayerList, parseSteps } from "./parse-steps.js";

test("parses the example chain with defaults and arguments", () => {
  const s = parseSteps("permute,finetune-drift:0.1,quantize:Q4_K,drop-layers:2+3");
  assert.deepEqual(s.map((x) => x.name), ["permute", "finetune-drift", "quantize", "drop-layers"]);
  assert.deepEqual(s[1], { name: "finetune-drift", rel: 0.1, rank: 8, text: "finetune-drift:0.1" });
  assert.deepEqual(s[2], { name: "quantize", type: "Q4_K", f32Fallback: false, text: "quantize:Q4_K" });
  assert.deepEqual(s[3], { name: "drop-layers", layers: [2, 3], text: "drop-layers:2+3" });
});

test("defaults, fractions, ranges and options", () => {
  const [ft, lora, noise, scale, drop, trim, moe, stack, rename, conv, q] = parseSteps(
    "finetune-drift, lora-merge:16, noise, scale:0.3, drop-layers:0.25, vocab-trim:0.1, moe-upcycle:8, stack-layers, rename:gguf-names, convert:hf:bf16, quantize:q8_0:f32-fallback",
  );
  assert.deepEqual([ft?.name === "finetune-drift" && ft.rel, lora?.name === "lora-merge" && [lora.rank, lora.rel], noise?.name === "noise" && noise.rel], [0.05, [16, 0.05], 0.05]);
  assert.equal(scale?.name === "scale" && scale.sigma, 0.3);
  assert.equal(drop?.name === "drop-layers" && drop.frac, 0.25);
  assert.equal(trim?.name === "vocab-trim" && trim.frac, 0.1);
  assert.deepEqual(moe?.name === "moe-upcycle" && [moe.experts, moe.topk, moe.noise], [8, 2, 0.01]);
  assert.equal(stack?.name === "stack-layers" && stack.k, undefined);
  assert.equal(rename?.name === "rename" && rename.scheme, "gguf");
  assert.deepEqual(conv?.name === "convert" && [conv.format, conv.dtype], ["hf", "BF16"]);
  assert.deepEqual(q?.name === "quantize" && [q.type, q.f32Fallback], ["Q8_0", true]);
  assert.deepEqual(parseLayerList("0-2+5", "x"), [0, 1, 2, 5]);
});

test("transplant and merge name other models", () => {
  const [t, m, s, ties] = parseSteps("transplant:layers.0+1=../other,merge:linear=a+b@1+2+1,merge:slerp=x@0.3,merge:ties=y+z");
  assert.deepEqual(t, { name: "transplant", component: { kind: "layers", layers: [0, 1] }, path: "../other", text: "transplant:layers.0+1=../other" });
  assert.deepEqual(m?.name === "merge" && [m.method, m.paths, m.weights], ["linear", ["a", "b"], [1, 2, 1]]);
  assert.deepEqual(s?.name === "merge" && [s.method, s.paths, s.weights], ["slerp", ["x"], [0.3]]);
  assert.deepEqual(ties?.name === "merge" && [ties.method, ties.paths, ties.weights], ["ties", ["y", "z"], undefined]);
  assert.deepEqual(parseSteps("transplant:embeddings=/m")[0], { name: "transplant", component: { kind: "embeddings" }, path: "/m", text: "transplant:embeddings=/m" });
});

test("every mistake is one clear UsageError naming the step", () => {
  const bad: Array<[string, RegExp]> = [
    ["", /empty/],
    ["permute,,rotate", /step 2 is empty/],
    ["permut", /unknown step "permut" \(did you mean "permute"\?\)/],
    ["permute:3", /permute takes no argument/],
    ["finetune-drift:abc", /rel must be a number/],
    ["finetune-drift:-1", /rel must be above 0/],
    ["quantize", /needs a type/],
    ["quantize:Q9_9", /unknown type/],
    ["quantize:Q4_K_M", /per-tensor mix.*Q4_K/],
    ["quantize:IQ2_XXS", /cannot quantize to IQ2_XXS/],
    ["quantize:F32", /not a reduced-precision type/],
    ["drop-layers", /needs the layers/],
    ["drop-layers:a+b", /not a layer index/],
    ["drop-layers:3-1", /backwards/],
    ["moe-upcycle", /number of experts/],
    ["moe-upcycle:1", /experts must be at least 2/],
    ["moe-upcycle:4:5", /top-k must be at least 1 and at most 4/],
    ["vocab-extend:0", /at least 1/],
    ["rename:klingon", /unknown naming scheme/],
    ["convert:onnx", /unknown format/],
    ["transplant:layers.0", /<component>=<path>/],
    ["transplant:wings=x", /unknown component/],
    ["merge:average=x", /unknown merge method/],
    ["merge:slerp=a+b", /exactly one other/],
    ["merge:linear=a@1", /takes 2 weights/],
    ["reorder-layers", /new order/],
  ];
  for (const [text, re] of bad) {
    assert.throws(() => parseSteps(text), (e: unknown) => e instanceof UsageError && re.test(e.message), `--steps ${JSON.stringify(text)}`);
  }
  assert.throws(() => parseSteps("permute,noise:x"), /step 2 "noise:x": rel must be a number/);
});
