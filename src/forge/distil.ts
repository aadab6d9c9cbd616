/**
 * @module forge/distil
 * Knowledge distillation on CPU, small enough for tests: a student model keeps its body (usually a
 * fresh random initialisation) and gets a new head fitted to imitate a teacher. The teacher writes
 * the training text itself (sequences sampled at temperature 1 from a seeded sampler); the head is
 * the ridge-regression fit of the student's final hidden states to
 *  - `text`: the centred log of a label-smoothed (10 %) one-hot of the sampled next token
 *    (sequence-level distillation: the student sees only the teacher's text), or
 *  - `logits`: that target's expectation under the teacher's next-token distribution (logit
 *    distillation without the sampling noise; linear in the teacher's probabilities, so the fit
 *    spends itself on the tokens the teacher considers, not on the log of its negligible tail).
 * Closed form (one d x d solve), so a student of a dev-sized teacher takes seconds to a minute. The
 * body is not trained: such a student imitates less than one trained end to end would (a weak,
 * honest positive for the behavioural test). Its weights share nothing with the teacher's.
 */
import { UsageError } from "../errors.js";
import type { CanonicalModel } from "../model/canonical.js";
import { solveSpd } from "../numeric/spd-solve.js";
import { generate, promptTokens, Transformer } from "../run/index.js";

export type DistilMode = "logits" | "text";

export interface DistilOptions {
  mode: DistilMode;
  /** Sequences sampled from the teacher (default 48). */
  sequences?: number;
  /** Tokens per sequence (default: 128, or less if the teacher's context is shorter). */
  length?: number;
  seed: number;
}

export interface DistilResult {
  /** [vocab, dim] row-major: the student's new head. */
  head: Float32Array;
  record: { mode: DistilMode; sequences: number; tokens: number; ridge: number; fitR2: number; seconds: number };
}

const SMOOTH = 0.1;

/** Fit `student`'s head to `teacher` (same vocabulary size; the teacher needs a tokenizer). */
export function distilHead(student: CanonicalModel, teacher: CanonicalModel, o: DistilOptions): DistilResult {
  const t0 = performance.now();
  const T = new Transformer(teacher);
  const S = new Transformer(student, { vocabulary: null });
  const V = T.vocabSize;
  if (S.vocabSize !== V) throw new UsageError(`distil: the student's head has ${S.vocabSize} rows, the teacher's vocabulary ${V}`);
  const sequences = o.sequences ?? 48;
  const ctx = Math.min(T.contextLength || 128, S.contextLength || 128);
  const length = Math.min(o.length ?? 128, ctx);
  if (!Number.isInteger(sequences) || sequences < 1 || sequences > 100000) throw new UsageError(`distil: sequences must be 1..100000, got ${sequences}`);
  if (length < 2) throw new UsageError(`distil: sequences need at least 2 tokens, got ${length}`);
  const d = S.dim;
  const hth = new Float64Array(d * d);
  const hty = new Float64Array(d * V);
  let yy = 0;
  let tokens = 0;
  const start = T.vocabulary ? promptTokens(T, "\n") : [0];
  const y = new Float64Array(V);
  const HIT = Math.log(1 - SMOOTH + SMOOTH / V);
  const MISS = Math.log(SMOOTH / V);
  for (let s = 0; s < sequences; s++) {
    const g = generate(T, start, { maxTokens: length - start.length, temperature: 1, seed: (o.seed * 7919 + s) >>> 0 });
    const seq = [...g.promptTokens, ...g.tokens];
    const logits = T.logits(seq);
    const h = S.finalStates(seq);
    const positions = o.mode === "text" ? seq.length - 1 : seq.length;
    for (let i = 0; i < positions; i++) {
      if (o.mode === "logits") {
        let max = -Infinity;
        for (let t = 0; t < V; t++) max = Math.max(max, logits[i * V + t] as number);
        let z = 0;
        for (let t = 0; t < V; t++) z += Math.exp((logits[i * V + t] as number) - max);
        const lz = max + Math.log(z);
        // the text target's expectation over the teacher's next token: linear in the teacher's probabilities
        for (let t = 0; t < V; t++) {
          const p = Math.exp((logits[i * V + t] as number) - lz);
          y[t] = p * HIT + (1 - p) * MISS;
        }
      } else {
        y.fill(MISS);
        y[seq[i + 1] as number] = HIT;
      }
      let mean = 0;
      for (let t = 0; t < V; t++) mean += y[t] as number;
      mean /= V;
      for (let t = 0; t < V; t++) {
        y[t] = (y[t] as number) - mean;
        yy += (y[t] as number) ** 2;
      }
      for (let a = 0; a < d; a++) {
        const ha = h[i * d + a] as number;
        for (let b = 0; b <= a; b++) hth[a * d + b] = (hth[a * d + b] as number) + ha * (h[i * d + b] as number);
        for (let t = 0; t < V; t++) hty[a * V + t] = (hty[a * V + t] as number) + ha * (y[t] as number);
      }
      tokens++;
    }
  }
  let trace = 0;
  for (let a = 0; a < d; a++) trace += hth[a * d + a] as number;
  const ridge = 1e-3 * (trace / d) + 1e-9;
  const w = solveSpd(hth, d, hty, V, ridge); // [d, V]
  const head = new Float32Array(V * d);
  for (let a = 0; a < d; a++) for (let t = 0; t < V; t++) head[t * d + a] = w[a * V + t] as number;
  // fraction of the targets' variance the fit explains: sum of W·(HᵀY) over sum of y² (exact for least squares)
  let explained = 0;
  for (let i = 0; i < d * V; i++) explained += (w[i] as number) * (hty[i] as number);
  return {
    head,
    record: { mode: o.mode, sequences, tokens, ridge, fitR2: yy > 0 ? Math.round((explained / yy) * 1e4) / 1e4 : 0, seconds: Math.round((performance.now() - t0) / 10) / 100 },
  };
}
