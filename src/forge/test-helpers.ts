/**
 * @module forge/test-helpers
 * Shared by the forge tests: run two models on the same tokens and compare logits.
 */
import type { CanonicalModel } from "../model/canonical.js";
import { Transformer } from "../run/index.js";

/** A fixed batch of token ids spread over the vocabulary. */
export function tokenBatch(vocab: number, n = 16): number[] {
  return Array.from({ length: n }, (_, i) => (i * 37 + 5) % vocab);
}

export function logitsOf(m: CanonicalModel, tokens: number[]): Float32Array {
  return new Transformer(m).logits(tokens);
}

/** ||a − b|| / ||b|| and max |a − b| / max |b|. */
export function relativeDiff(a: Float32Array, b: Float32Array): { l2: number; max: number } {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let num = 0;
  let den = 0;
  let mx = 0;
  let mref = 0;
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] as number) - (b[i] as number);
    num += d * d;
    den += (b[i] as number) ** 2;
    mx = Math.max(mx, Math.abs(d));
    mref = Math.max(mref, Math.abs(b[i] as number));
  }
  return { l2: Math.sqrt(num / den), max: mx / mref };
}

/** ||a − b||_F / ||b||_F of two tensors' values. */
export function relChange(a: Float32Array, b: Float32Array): number {
  return relativeDiff(a, b).l2;
}
