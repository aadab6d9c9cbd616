/**
 * @module run/nll
 * How well a model predicts a text: the mean negative log-likelihood of each next token.
 */

/** Mean negative log-likelihood (nats per token) of tokens[1..] given the prefix, from the logits of every position (V per row). */
export function meanNll(logits: Float32Array, tokens: number[], V: number): number {
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
