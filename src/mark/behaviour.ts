/**
 * @module mark/behaviour
 * Does a mark change what a model does? The mean next-token loss on a text and the greedy
 * continuation of a prompt, from the reference forward pass (small models only).
 */
import { loadModel } from "../load-model.js";
import { generate, promptTokens, Transformer } from "../run/index.js";

export interface Behaviour {
  /** Mean negative log-likelihood (nats per token) of the text. */
  loss: number;
  /** Greedy continuation token ids. */
  greedy: number[];
}

function meanNll(logits: Float32Array, tokens: number[], V: number): number {
  let nll = 0;
  for (let i = 0; i + 1 < tokens.length; i++) {
    const row = logits.subarray(i * V, (i + 1) * V);
    let max = -Infinity;
    for (const v of row) max = Math.max(max, v);
    let s = 0;
    for (const v of row) s += Math.exp(v - max);
    nll -= (row[tokens[i + 1] as number] as number) - max - Math.log(s);
  }
  return nll / Math.max(1, tokens.length - 1);
}

/** Loss on `text` and the greedy continuation (`greedyTokens` long) of `prompt`. */
export function behaviourOf(path: string, text: string, prompt: string, greedyTokens = 40): Behaviour {
  const m = loadModel(path);
  let t: Transformer;
  try {
    t = new Transformer(m);
  } finally {
    m.close();
  }
  const tokens = promptTokens(t, text).slice(0, t.contextLength);
  const loss = meanNll(t.logits(tokens), tokens, t.vocabSize);
  const g = generate(t, prompt, { maxTokens: greedyTokens, temperature: 0 });
  return { loss, greedy: g.tokens };
}
