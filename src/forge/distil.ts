/**
 * @module forge/distil
 * Knowledge distillation on CPU, small enough for tests: a student model keeps its body (usually a
 * fresh random initialisation) and gets a new head fitted to imitate a teacher. The teacher writes
 * the training text itself (sequences sampled at temperature 1 from a seeded sampler); the head is
 * the ridge-regression fit of the student's final hidden states to
 *  - `logits`: the teacher's centred log-probabilities at every position (logit distillation), or
 *  - `text`: the centred log of a label-smoothed (10 %) one-hot of the sampled next token
 *    (sequence-level distillation: the student sees only the teacher's text).
 * The ridge fit (one d x d solve) is the start; then full-batch Adam on the cross-entropy against
 * the teacher's next-token distribution (`logits`) or the sampled token (`text`, smoothed 10 %):
 * knowledge distillation proper, on the head. A student of a dev-sized teacher takes a minute. The
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
  /** Full-batch Adam steps on the cross-entropy after the ridge start (default 100). */
  steps?: number;
}

export interface DistilResult {
  /** [vocab, dim] row-major: the student's new head. */
  head: Float32Array;
  record: { mode: DistilMode; sequences: number; tokens: number; ridge: number; fitR2: number; crossEntropy: { ridge: number; trained: number; steps: number }; seconds: number };
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
  const maxPositions = sequences * length;
  const feats = new Float32Array(maxPositions * d);
  const probs = new Float32Array(maxPositions * V);
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
        for (let t = 0; t < V; t++) {
          y[t] = (logits[i * V + t] as number) - lz;
          probs[tokens * V + t] = Math.exp(y[t] as number);
        }
      } else {
        y.fill(MISS);
        y[seq[i + 1] as number] = HIT;
        probs.fill(SMOOTH / V, tokens * V, (tokens + 1) * V);
        probs[tokens * V + (seq[i + 1] as number)] = 1 - SMOOTH + SMOOTH / V;
      }
      let mean = 0;
      for (let t = 0; t < V; t++) mean += y[t] as number;
      mean /= V;
      for (let t = 0; t < V; t++) {
        y[t] = (y[t] as number) - mean;
        yy += (y[t] as number) ** 2;
      }
      feats.set(h.subarray(i * d, (i + 1) * d), tokens * d);
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
  // fraction of the targets' variance the ridge fit explains: sum of W·(HᵀY) over sum of y²
  let explained = 0;
  for (let i = 0; i < d * V; i++) explained += (w[i] as number) * (hty[i] as number);
  const ce0 = crossEntropy(w, feats, probs, tokens, d, V);
  const ce = refine(w, feats, probs, tokens, d, V, o.steps ?? 100);
  const head = new Float32Array(V * d);
  for (let a = 0; a < d; a++) for (let t = 0; t < V; t++) head[t * d + a] = w[a * V + t] as number;
  return {
    head,
    record: {
      mode: o.mode, sequences, tokens, ridge, fitR2: yy > 0 ? Math.round((explained / yy) * 1e4) / 1e4 : 0,
      crossEntropy: { ridge: Math.round(ce0 * 1e4) / 1e4, trained: Math.round(ce * 1e4) / 1e4, steps: o.steps ?? 100 },
      seconds: Math.round((performance.now() - t0) / 10) / 100,
    },
  };
}

/** Mean cross-entropy of softmax(Wᵀh) against the targets, over n positions; W is [d, V]. */
function crossEntropy(w: Float64Array, feats: Float32Array, probs: Float32Array, n: number, d: number, V: number, grad?: Float64Array): number {
  const z = new Float64Array(V);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    z.fill(0);
    for (let a = 0; a < d; a++) {
      const ha = feats[i * d + a] as number;
      if (ha === 0) continue;
      for (let t = 0; t < V; t++) z[t] = (z[t] as number) + ha * (w[a * V + t] as number);
    }
    let max = -Infinity;
    for (let t = 0; t < V; t++) max = Math.max(max, z[t] as number);
    let sum = 0;
    for (let t = 0; t < V; t++) sum += Math.exp((z[t] as number) - max);
    const lz = max + Math.log(sum);
    for (let t = 0; t < V; t++) {
      const p = probs[i * V + t] as number;
      if (p > 0) loss -= p * ((z[t] as number) - lz);
      z[t] = Math.exp((z[t] as number) - lz) - p; // the gradient of the loss wrt the logit
    }
    if (grad) {
      for (let a = 0; a < d; a++) {
        const ha = (feats[i * d + a] as number) / n;
        if (ha === 0) continue;
        for (let t = 0; t < V; t++) grad[a * V + t] = (grad[a * V + t] as number) + ha * (z[t] as number);
      }
    }
  }
  return loss / Math.max(1, n);
}

/** Full-batch Adam on the cross-entropy (knowledge distillation proper), from the ridge start. */
function refine(w: Float64Array, feats: Float32Array, probs: Float32Array, n: number, d: number, V: number, steps: number): number {
  const lr = 0.02;
  const m = new Float64Array(w.length);
  const v = new Float64Array(w.length);
  const g = new Float64Array(w.length);
  for (let s = 1; s <= steps; s++) {
    g.fill(0);
    crossEntropy(w, feats, probs, n, d, V, g);
    for (let i = 0; i < w.length; i++) {
      const gi = g[i] as number;
      m[i] = 0.9 * (m[i] as number) + 0.1 * gi;
      v[i] = 0.999 * (v[i] as number) + 0.001 * gi * gi;
      const mh = (m[i] as number) / (1 - 0.9 ** s);
      const vh = (v[i] as number) / (1 - 0.999 ** s);
      w[i] = (w[i] as number) - (lr * mh) / (Math.sqrt(vh) + 1e-8);
    }
  }
  return crossEntropy(w, feats, probs, n, d, V);
}
