/**
 * @module mark/behaviour
 * Does a mark change what a model does? The mean next-token loss on a text and the greedy
 * continuation of a prompt, from the reference forward pass (small models only).
 */
import { meanNll } from "../run/nll.js";
import { loadModel } from "../load-model.js";
import { generate, promptTokens, Transformer } from "../run/index.js";

export interface Behaviour {
  /** Mean negative log-likelihood (nats per token) of the text. */
  loss: number;
  /** Greedy continuation token ids. */
  greedy: number[];
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
