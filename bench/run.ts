/**
 * Forward-pass speed of `pedigree run` (single thread, float32): stories260K greedy decoding, one token
 * per forward call with the KV cache, as `generate` does. Prints tokens/s (best and median of a few
 * passes after a warm-up), for contexts of 128 and 256 tokens.
 * Run: node --import tsx bench/run.ts [model path]   (default ../shared/models/stories260K/stories260K.bin)
 */
import { loadModel } from "../src/load-model.js";
import { argmax, generate, Transformer } from "../src/run/index.js";
import { sharedPath } from "../src/test-support/shared.js";

const path = process.argv[2] ?? sharedPath("models", "stories260K", "stories260K.bin");
const PASSES = 5;

const model = loadModel(path);
const t0 = performance.now();
const runner = new Transformer(model);
model.close();
process.stdout.write(`${path}: weights read in ${(performance.now() - t0).toFixed(0)} ms\n`);

/** Greedy decoding of `n` tokens from BOS (EOS ignored), one forward call per token. */
function decode(n: number): number {
  const start = performance.now();
  runner.reset();
  let logits = runner.forward([runner.vocabulary?.bos ?? 1], 0);
  for (let i = 1; i < n; i++) logits = runner.forward([argmax(logits)]);
  return n / ((performance.now() - start) / 1000);
}

for (let i = 0; i < 3; i++) decode(256); // warm-up (JIT)
for (const n of [128, 256]) {
  const rates: number[] = [];
  for (let p = 0; p < PASSES; p++) rates.push(decode(n));
  rates.sort((a, b) => a - b);
  process.stdout.write(`decode ${n} tokens: best ${(rates[rates.length - 1] as number).toFixed(0)} tokens/s, median ${(rates[PASSES >> 1] as number).toFixed(0)} tokens/s\n`);
}
const g = generate(runner, runner.vocabulary ? "Once upon a time" : [1], { maxTokens: 200 });
process.stdout.write(`generate() from "Once upon a time": ${g.tokens.length} tokens, ${g.tokensPerSecond.toFixed(0)} tokens/s (stopped: ${g.stop})\n`);
