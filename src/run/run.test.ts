import { meanNll } from "./nll.js";
import { itosTable } from "../formats/tokenizer/chars.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { UnsupportedError, UsageError } from "../errors.js";
import { encode, type Vocabulary } from "../formats/tokenizer/index.js";
import { loadModel } from "../load-model.js";
import type { CanonicalModel } from "../model/canonical.js";
import type { HyperParams } from "../model/hyper-params.js";
import { materialize } from "../model/materialize.js";
import { hfToMetaRowPerm } from "../model/qk-layout.js";
import { Rng } from "../numeric/rng.js";
import { runCli } from "../test-support/cli.js";
import { sharedPath } from "../test-support/shared.js";
import {
  applyRope, argmax, erf, gelu, geluTanh, generate, layerNorm, matvec, nextTokens, rmsNorm, ropeAngles, sampleToken, softmax,
  Transformer,
} from "./index.js";

const STORY = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball.";

/** English prose (not from any training corpus). */
const PROSE = "When you open a file, the editor reads it into a buffer in memory. Every change you make is kept there until you write the buffer back to the disk. If you quit without writing, the changes are lost, so the editor warns you first. You can undo a change, and redo it again, as many times as you like.";

function runnerOf(...path: string[]): Transformer {
  const m = loadModel(sharedPath(...path));
  try {
    return new Transformer(m);
  } finally {
    m.close();
  }
}

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let d = 0;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs((a[i] as number) - (b[i] as number)));
    m = Math.max(m, Math.abs(a[i] as number));
  }
  return d / m;
}

function top1Agreement(a: Float32Array, b: Float32Array, V: number): number {
  let same = 0;
  const n = a.length / V;
  for (let i = 0; i < n; i++) if (argmax(a, i * V, V) === argmax(b, i * V, V)) same++;
  return same / n;
}

// ------------------------------------------------------------------------------------------------
// Kernels against direct formulas
// ------------------------------------------------------------------------------------------------

/** erf by its Maclaurin series, in float64 (exact to ~1e-15 for |x| < 3). */
function erfSeries(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

test("erf, GELU (erf and tanh forms), softmax, RMSNorm and LayerNorm match their formulas", () => {
  for (let x = -3; x <= 3; x += 0.125) {
    assert.ok(Math.abs(erf(x) - erfSeries(x)) < 2e-7, `erf(${x})`);
    const exact = 0.5 * x * (1 + erfSeries(x / Math.SQRT2));
    assert.ok(Math.abs(gelu(x) - exact) < 1e-6, `gelu(${x})`);
    const tanhForm = 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
    assert.equal(geluTanh(x), tanhForm);
    assert.ok(Math.abs(geluTanh(x) - exact) < 1e-3, "the tanh form approximates the exact one");
  }
  assert.equal(gelu(10), 10);
  assert.equal(gelu(-10), -0);

  const rng = new Rng(7);
  const x = rng.fillNormal(new Float32Array(37), 3);
  const p = x.slice();
  softmax(p);
  let z = 0;
  for (const v of x) z += Math.exp(v);
  x.forEach((v, i) => assert.ok(Math.abs((p[i] as number) - Math.exp(v) / z) < 1e-7));
  const big = Float32Array.from([1000, 1000, -1000]);
  softmax(big);
  assert.deepEqual([...big], [0.5, 0.5, 0]);

  const g = rng.fillNormal(new Float32Array(37));
  const eps = 1e-5;
  const r = new Float32Array(37);
  rmsNorm(r, x, g, eps);
  const ms = [...x].reduce((s, v) => s + v * v, 0) / 37;
  x.forEach((v, i) => assert.ok(Math.abs((r[i] as number) - (v / Math.sqrt(ms + eps)) * (g[i] as number)) < 1e-5));

  const b = rng.fillNormal(new Float32Array(37));
  layerNorm(r, x, g, b, eps);
  const mean = [...x].reduce((s, v) => s + v, 0) / 37;
  const variance = [...x].reduce((s, v) => s + (v - mean) ** 2, 0) / 37;
  x.forEach((v, i) => assert.ok(Math.abs((r[i] as number) - ((v - mean) / Math.sqrt(variance + eps)) * (g[i] as number) - (b[i] as number)) < 1e-5));
});

test("matvec matches a naive loop for every column count (the unrolled body and its tail)", () => {
  const rng = new Rng(3);
  for (const cols of [1, 2, 3, 4, 5, 7, 8, 64, 67]) {
    const rows = 5;
    const w = rng.fillNormal(new Float32Array(rows * cols));
    const x = rng.fillNormal(new Float32Array(cols));
    const bias = rng.fillNormal(new Float32Array(rows));
    const out = new Float32Array(rows);
    matvec(out, w, x, rows, cols, bias);
    for (let r = 0; r < rows; r++) {
      let s = bias[r] as number;
      for (let c = 0; c < cols; c++) s += (w[r * cols + c] as number) * (x[c] as number);
      assert.ok(Math.abs((out[r] as number) - s) < 1e-5 * (1 + Math.abs(s)));
    }
  }
});

test("RoPE: Meta-layout Q/K with interleaved rotation equals HF-layout Q/K with rotate_half", () => {
  const rng = new Rng(11);
  const heads = 3;
  const hd = 8;
  const dim = 16;
  // HF-layout weights; the Meta-layout weights are the same rows in Meta's interleaved order.
  const wqHf = rng.fillNormal(new Float32Array(heads * hd * dim));
  const wkHf = rng.fillNormal(new Float32Array(heads * hd * dim));
  const perm = hfToMetaRowPerm(heads, hd); // perm[metaRow] = hfRow
  const toMeta = (w: Float32Array) => {
    const out = new Float32Array(w.length);
    for (let r = 0; r < heads * hd; r++) out.set(w.subarray((perm[r] as number) * dim, ((perm[r] as number) + 1) * dim), r * dim);
    return out;
  };
  const wqMeta = toMeta(wqHf);
  const wkMeta = toMeta(wkHf);
  const cos = new Float64Array(hd / 2);
  const sin = new Float64Array(hd / 2);
  const x = rng.fillNormal(new Float32Array(dim));
  const y = rng.fillNormal(new Float32Array(dim));
  const proj = (w: Float32Array, v: Float32Array) => {
    const o = new Float32Array(heads * hd);
    matvec(o, w, v, heads * hd, dim);
    return o;
  };
  for (const [pq, pk] of [[0, 0], [5, 2], [37, 36], [300, 1]] as const) {
    ropeAngles(pq, hd, 10000, cos, sin);
    const qHf = proj(wqHf, x);
    const qMeta = proj(wqMeta, x);
    applyRope(qHf, heads, hd, hd, cos, sin, "hf");
    applyRope(qMeta, heads, hd, hd, cos, sin, "meta");
    ropeAngles(pk, hd, 10000, cos, sin);
    const kHf = proj(wkHf, y);
    const kMeta = proj(wkMeta, y);
    applyRope(kHf, heads, hd, hd, cos, sin, "hf");
    applyRope(kMeta, heads, hd, hd, cos, sin, "meta");
    for (let r = 0; r < heads * hd; r++) {
      assert.ok(Math.abs((qMeta[r] as number) - (qHf[perm[r] as number] as number)) < 1e-5, `q row ${r} at ${pq}`);
      assert.ok(Math.abs((kMeta[r] as number) - (kHf[perm[r] as number] as number)) < 1e-5, `k row ${r} at ${pk}`);
    }
    // So every attention score q_h . k_h is the same in both layouts.
    for (let h = 0; h < heads; h++) {
      let sHf = 0;
      let sMeta = 0;
      for (let d = 0; d < hd; d++) {
        sHf += (qHf[h * hd + d] as number) * (kHf[h * hd + d] as number);
        sMeta += (qMeta[h * hd + d] as number) * (kMeta[h * hd + d] as number);
      }
      assert.ok(Math.abs(sHf - sMeta) < 1e-4 * (1 + Math.abs(sHf)));
    }
  }
  // The rotation is relative: the score depends only on the distance between positions.
  const score = (pq: number, pk: number) => {
    const q = proj(wqHf, x);
    const k = proj(wkHf, y);
    ropeAngles(pq, hd, 10000, cos, sin);
    applyRope(q, heads, hd, hd, cos, sin);
    ropeAngles(pk, hd, 10000, cos, sin);
    applyRope(k, heads, hd, hd, cos, sin);
    let s = 0;
    for (let d = 0; d < hd; d++) s += (q[d] as number) * (k[d] as number);
    return s;
  };
  assert.ok(Math.abs(score(7, 3) - score(104, 100)) < 1e-4);
});

test("sampling: temperature 0 is argmax; a seed gives the same draw; top-p keeps only the likely tokens", () => {
  const logits = Float32Array.from([0, 3, 1, 2.9]);
  assert.equal(sampleToken(logits.slice(), 0, new Rng(1)), 1);
  const draws = (seed: number, topP = 1) => {
    const rng = new Rng(seed);
    return Array.from({ length: 50 }, () => sampleToken(logits.slice(), 1, rng, topP));
  };
  assert.deepEqual(draws(5), draws(5));
  assert.ok(new Set(draws(5)).size >= 3);
  assert.ok(draws(9, 0.5).every((id) => id === 1 || id === 3));
});

// ------------------------------------------------------------------------------------------------
// An independent, naive reference forward pass (float64, no cache, whole sequence per layer)
// ------------------------------------------------------------------------------------------------

type W = Map<string, Float32Array>;

function refLogits(p: HyperParams, w: W, tokens: number[]): number[][] {
  const get = (k: string) => w.get(k);
  const dim = p.dim;
  const hd = p.headDim;
  const lin = (key: string, x: number[]): number[] => {
    const m = get(key) as Float32Array;
    const rows = m.length / x.length;
    const bias = get(`${key}.bias`);
    return Array.from({ length: rows }, (_, r) => x.reduce((s, v, c) => s + (m[r * x.length + c] as number) * v, bias ? (bias[r] as number) : 0));
  };
  const norm = (key: string, x: number[]): number[] => {
    const g = get(key) as Float32Array;
    const b = get(`${key}.bias`);
    if (p.norm === "rms") {
      const ms = x.reduce((s, v) => s + v * v, 0) / x.length;
      return x.map((v, i) => (v / Math.sqrt(ms + p.normEps)) * (g[i] as number) + (b ? (b[i] as number) : 0));
    }
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length;
    return x.map((v, i) => ((v - mean) / Math.sqrt(variance + p.normEps)) * (g[i] as number) + (b ? (b[i] as number) : 0));
  };
  const act = (v: number) => (p.activation === "silu" ? v / (1 + Math.exp(-v)) : p.activation === "gelu_tanh" ? 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))) : 0.5 * v * (1 + erfSeries(v / Math.SQRT2)));
  const smax = (x: number[]) => {
    const m = Math.max(...x);
    const e = x.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  };
  const rope = (x: number[], pos: number, heads: number) => {
    const half = p.ropeDim / 2;
    const out = x.slice();
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < half; i++) {
        const a = pos / p.ropeTheta ** ((2 * i) / p.ropeDim);
        const x0 = x[h * hd + i] as number;
        const x1 = x[h * hd + i + half] as number;
        out[h * hd + i] = x0 * Math.cos(a) - x1 * Math.sin(a);
        out[h * hd + i + half] = x1 * Math.cos(a) + x0 * Math.sin(a);
      }
    }
    return out;
  };
  const headNorm = (key: string, x: number[], heads: number) => {
    if (!get(key)) return x;
    const out: number[] = [];
    for (let h = 0; h < heads; h++) out.push(...norm(key, x.slice(h * hd, (h + 1) * hd)));
    return out;
  };
  const mlp = (pre: string, x: number[]) => {
    const up = lin(`${pre}.up`, x);
    const hidden = get(`${pre}.gate`) ? lin(`${pre}.gate`, x).map((g, i) => act(g) * (up[i] as number)) : up.map(act);
    return lin(`${pre}.down`, hidden);
  };
  const embed = get("embed") as Float32Array;
  const pos = get("pos_embed");
  let h = tokens.map((t, i) => Array.from({ length: dim }, (_, d) => (embed[t * dim + d] as number) + (pos ? (pos[i * dim + d] as number) : 0)));
  for (let l = 0; l < p.nLayers; l++) {
    const pre = `layers.${l}`;
    const a = h.map((x) => norm(`${pre}.attn_norm`, x));
    const useRope = !pos;
    const q = a.map((x, i) => {
      const v = headNorm(`${pre}.attn.q_norm`, lin(`${pre}.attn.q`, x), p.nHeads);
      return useRope ? rope(v, i, p.nHeads) : v;
    });
    const k = a.map((x, i) => {
      const v = headNorm(`${pre}.attn.k_norm`, lin(`${pre}.attn.k`, x), p.nKvHeads);
      return useRope ? rope(v, i, p.nKvHeads) : v;
    });
    const v = a.map((x) => lin(`${pre}.attn.v`, x));
    h = h.map((x, t) => {
      const out: number[] = [];
      for (let head = 0; head < p.nHeads; head++) {
        const kv = Math.floor(head / (p.nHeads / p.nKvHeads));
        const scores = smax(Array.from({ length: t + 1 }, (_, s) => {
          let d = 0;
          for (let i = 0; i < hd; i++) d += (q[t]?.[head * hd + i] as number) * (k[s]?.[kv * hd + i] as number);
          return d / Math.sqrt(hd);
        }));
        for (let i = 0; i < hd; i++) out.push(scores.reduce((sum, sc, s) => sum + sc * (v[s]?.[kv * hd + i] as number), 0));
      }
      const o = lin(`${pre}.attn.o`, out);
      return x.map((val, i) => val + (o[i] as number));
    });
    h = h.map((x) => {
      const m = norm(`${pre}.mlp_norm`, x);
      if (!get(`${pre}.moe.router`)) {
        const y = mlp(`${pre}.mlp`, m);
        return x.map((val, i) => val + (y[i] as number));
      }
      const probs = smax(lin(`${pre}.moe.router`, m));
      const top = probs.map((pr, e) => [pr, e] as [number, number]).sort((u, w2) => w2[0] - u[0]).slice(0, p.expertsPerToken);
      const total = top.reduce((s, [pr]) => s + pr, 0);
      const out = x.slice();
      for (const [pr, e] of top) {
        const y = mlp(`${pre}.moe.experts.${e}`, m);
        for (let i = 0; i < dim; i++) out[i] = (out[i] as number) + (pr / total) * (y[i] as number);
      }
      return out;
    });
  }
  return h.map((x) => lin(get("head") ? "head" : "embed", norm("final_norm", x)));
}

function params(over: Partial<HyperParams>): HyperParams {
  return {
    dim: 16, nLayers: 2, nHeads: 4, nKvHeads: 2, headDim: 4, ffn: 24, vocab: 40, ctx: 32, normEps: 1e-5, ropeTheta: 10000, ropeDim: 4,
    tiedEmbeddings: false, nExperts: 0, expertsPerToken: 0, block: "llama", norm: "rms", activation: "silu", ...over,
  };
}

/** A random in-memory model: every key of `shapes` filled with N(0, std) (norm gains around 1). */
function randomModel(p: HyperParams, shapes: Record<string, number[]>, seed: number): { model: CanonicalModel; w: W } {
  const rng = new Rng(seed);
  const w: W = new Map();
  for (const [key, shape] of Object.entries(shapes)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const isGain = /norm$/.test(key);
    const values = rng.fillNormal(new Float32Array(n), isGain ? 0.1 : 0.3, isGain ? 1 : 0);
    w.set(key, values);
  }
  const model = materialize({
    params: p,
    tensors: [...w].map(([key, values]) => ({ key, shape: shapes[key] as number[], chunks: () => [values] })),
    declared: { baseModels: [], problems: [] },
  });
  return { model, w };
}

function assertMatchesReference(p: HyperParams, shapes: Record<string, number[]>, tokens: number[], seed: number): Transformer {
  const { model, w } = randomModel(p, shapes, seed);
  const t = new Transformer(model);
  const got = t.logits(tokens);
  const want = Float32Array.from(refLogits(p, w, tokens).flat());
  assert.ok(maxRelDiff(want, got) < 1e-5, `logits differ from the reference by ${maxRelDiff(want, got)}`);
  return t;
}

function llamaShapes(p: HyperParams, opts: { bias?: boolean; qkNorm?: boolean; experts?: number; tied?: boolean }): Record<string, number[]> {
  const s: Record<string, number[]> = { embed: [p.vocab, p.dim], final_norm: [p.dim] };
  if (!opts.tied) s.head = [p.vocab, p.dim];
  for (let l = 0; l < p.nLayers; l++) {
    const pre = `layers.${l}`;
    s[`${pre}.attn_norm`] = [p.dim];
    s[`${pre}.attn.q`] = [p.nHeads * p.headDim, p.dim];
    s[`${pre}.attn.k`] = [p.nKvHeads * p.headDim, p.dim];
    s[`${pre}.attn.v`] = [p.nKvHeads * p.headDim, p.dim];
    s[`${pre}.attn.o`] = [p.dim, p.nHeads * p.headDim];
    if (opts.bias) {
      s[`${pre}.attn.q.bias`] = [p.nHeads * p.headDim];
      s[`${pre}.attn.k.bias`] = [p.nKvHeads * p.headDim];
      s[`${pre}.attn.v.bias`] = [p.nKvHeads * p.headDim];
      s[`${pre}.attn.o.bias`] = [p.dim];
    }
    if (opts.qkNorm) {
      s[`${pre}.attn.q_norm`] = [p.headDim];
      s[`${pre}.attn.k_norm`] = [p.headDim];
    }
    s[`${pre}.mlp_norm`] = [p.dim];
    const mlps = opts.experts ? Array.from({ length: opts.experts }, (_, e) => `${pre}.moe.experts.${e}`) : [`${pre}.mlp`];
    if (opts.experts) s[`${pre}.moe.router`] = [opts.experts, p.dim];
    for (const m of mlps) {
      s[`${m}.gate`] = [p.ffn, p.dim];
      s[`${m}.up`] = [p.ffn, p.dim];
      s[`${m}.down`] = [p.dim, p.ffn];
    }
  }
  return s;
}

test("llama forward = a naive reference: GQA, RoPE, SwiGLU; with Qwen2 q/k/v/o biases; with Qwen3 q/k norms; tied head", () => {
  const tokens = [3, 17, 0, 39, 8, 8, 21, 5, 12];
  const p = params({});
  assertMatchesReference(p, llamaShapes(p, {}), tokens, 1);
  assertMatchesReference(p, llamaShapes(p, { bias: true }), tokens, 2);
  assertMatchesReference(p, llamaShapes(p, { qkNorm: true, tied: true }), tokens, 3);
  const partial = params({ ropeDim: 2, nKvHeads: 1 });
  assertMatchesReference(partial, llamaShapes(partial, {}), tokens, 4);
});

test("Mixtral MoE forward = a naive reference (softmax router, top-2 of 4, weights renormalised)", () => {
  const p = params({ nExperts: 4, expertsPerToken: 2 });
  assertMatchesReference(p, llamaShapes(p, { experts: 4 }), [1, 2, 3, 4, 5, 6, 7, 30], 5);
  const top1 = params({ nExperts: 4, expertsPerToken: 1 });
  assertMatchesReference(top1, llamaShapes(top1, { experts: 4 }), [9, 2, 33, 4], 6);
});

test("GPT-2 forward = a naive reference: learned positions, LayerNorm with and without bias, GELU (erf and tanh)", () => {
  for (const [bias, activation, seed] of [[true, "gelu", 7], [false, "gelu_tanh", 8]] as const) {
    const p = params({ block: "gpt2", norm: "layer", activation, nKvHeads: 4, ropeDim: 0, ctx: 12 });
    const s: Record<string, number[]> = { embed: [p.vocab, p.dim], pos_embed: [12, p.dim], final_norm: [p.dim] };
    if (bias) s["final_norm.bias"] = [p.dim];
    for (let l = 0; l < p.nLayers; l++) {
      const pre = `layers.${l}`;
      for (const [k, shape] of Object.entries({ attn_norm: [p.dim], "attn.q": [p.dim, p.dim], "attn.k": [p.dim, p.dim], "attn.v": [p.dim, p.dim], "attn.o": [p.dim, p.dim], mlp_norm: [p.dim], "mlp.up": [p.ffn, p.dim], "mlp.down": [p.dim, p.ffn] })) {
        s[`${pre}.${k}`] = shape;
        if (bias) s[`${pre}.${k}.bias`] = [shape[0] as number];
      }
    }
    const t = assertMatchesReference(p, s, [0, 5, 39, 5, 2, 11, 7, 7, 1, 3, 4, 9], seed);
    assert.equal(t.contextLength, 12);
    assert.throws(() => t.logits(Array.from({ length: 13 }, () => 1)), UsageError, "learned positions are a hard limit");
  }
});

test("forward with the KV cache gives the logits of the whole-batch pass; results repeat bit for bit", () => {
  const p = params({ nExperts: 4, expertsPerToken: 2 });
  const { model } = randomModel(p, llamaShapes(p, { experts: 4, bias: true }), 9);
  const t = new Transformer(model);
  const tokens = [4, 8, 15, 16, 23, 39, 0, 1];
  const all = t.logits(tokens);
  t.reset();
  t.forward(tokens.slice(0, 3), 0);
  const last = t.forward(tokens.slice(3));
  assert.deepEqual(last, all.slice(7 * p.vocab));
  // Rewinding the cache: run another continuation from position 5, then the original one again.
  t.forward([2, 2], 5);
  const again = t.forward(tokens.slice(5), 5);
  assert.deepEqual(again, last);
  assert.deepEqual(t.logits(tokens), all);
  assert.throws(() => t.forward([1], 20), UsageError);
});

test("refusals: unknown block kinds, unsupported tensors, too-big models, out-of-range ids, text without a tokenizer", () => {
  const p = params({});
  const shapes = llamaShapes(p, {});
  assert.throws(() => new Transformer(randomModel({ ...p, block: "unknown" }, shapes, 1).model), UnsupportedError);
  assert.throws(() => new Transformer(randomModel(p, { ...shapes, "layers.0.post_attn_norm": [p.dim] }, 1).model), (e: unknown) => e instanceof UnsupportedError && /post_attn_norm/.test(e.message));
  assert.throws(() => new Transformer(randomModel(p, shapes, 1).model, { maxBytes: 1000 }), (e: unknown) => e instanceof UsageError && /GiB/.test(e.message));
  const t = new Transformer(randomModel(p, shapes, 1).model);
  assert.throws(() => t.logits([1, 40]), (e: unknown) => e instanceof UsageError && /token id 40 is outside/.test(e.message));
  assert.throws(() => t.forward([-1], 0), UsageError);
  assert.throws(() => generate(t, "hello"), (e: unknown) => e instanceof UsageError && /no tokenizer/.test(e.message));
  assert.deepEqual(generate(t, [1, 2], { maxTokens: 3 }).tokens.length, 3);
});

test("itos tables: lists, {id: str} and inverted stoi", () => {
  assert.deepEqual(itosTable(["a", "b"], undefined), ["a", "b"]);
  assert.deepEqual(itosTable({ 1: "b", 0: "a" }, undefined), ["a", "b"]);
  assert.deepEqual(itosTable(undefined, { b: 1, a: 0 }), ["a", "b"]);
  assert.equal(itosTable({ 0: "a", 2: "b" }, undefined), undefined);
  assert.equal(itosTable(undefined, undefined), undefined);
});

// ------------------------------------------------------------------------------------------------
// Real models
// ------------------------------------------------------------------------------------------------

for (const file of ["stories260K.bin", "stories260K.gguf", "stories260K_q80.bin"]) {
  test(`stories260K (${file}) greedily continues "Once upon a time" with its published story`, () => {
    const t = runnerOf("models", "stories260K", file);
    const g = generate(t, "Once upon a time", { maxTokens: 60 });
    assert.equal(g.promptTokens[0], t.vocabulary?.bos, "llama2.c style: BOS first");
    assert.ok(g.fullText?.startsWith(STORY), `got ${JSON.stringify(g.fullText)}`);
    assert.ok(g.text?.startsWith(", there was"));
    assert.equal(g.tokens.length, 60);
    assert.equal(g.stop, "max-tokens");
  });
}

test("stories260K: a function-preserving rotation + permutation (S-perm-rot) keeps the logits within 1e-4", () => {
  const tokens = [1, 403, 407, 261, 378, 429, 275, 437, 1, 42, 90, 300, 511, 7];
  const base = runnerOf("dev-families", "S").logits(tokens);
  assert.ok(maxRelDiff(base, runnerOf("dev-families", "S-perm-rot").logits(tokens)) < 1e-4);
  assert.deepEqual(runnerOf("models", "stories260K", "stories260K.gguf").logits(tokens), base, "GGUF holds the same F32 weights");
});

test("slm4096 (char-level GPT-2, itos in the checkpoint) reproduces its corpus", () => {
  const t = runnerOf("models", "slm4096", "ckpt.pt");
  assert.equal(t.vocabulary?.kind, "chars");
  assert.equal(t.positions, "learned");
  const g = generate(t, "Q: What is your latency?\nA:", { maxTokens: 40 });
  assert.ok(g.text?.startsWith(" Instant, because"), `got ${JSON.stringify(g.text)}`);
  const next = nextTokens(t, "Q: What is your latency?\nA: Instan", 3);
  assert.equal(next.top[0]?.token, "t");
  assert.ok((next.top[0]?.prob ?? 0) > 0.9);
});

test("gpt-by-hand (16-dim GPT, no biases, LayerNorm gamma) runs from token ids", () => {
  const t = runnerOf("models", "gpt-by-hand", "ckpt-run1.pt");
  assert.equal(t.vocabulary, undefined);
  const g = generate(t, [1, 2, 3], { maxTokens: 10 });
  assert.equal(g.stop, "context", "8 learned positions");
  assert.equal(g.tokens.length, 5);
  assert.ok(t.logits([1, 2, 3, 4, 5, 6, 7, 8]).every(Number.isFinite));
});

test("dev families: finite logits; byte models read English prose far better than uniform; A-q4k and A-moe stay close to A", () => {
  const bytes = Array.from(Buffer.from(PROSE.slice(0, 128)));
  const logits = new Map<string, Float32Array>();
  for (const id of ["A", "A-moe", "A-q4k"]) {
    const t = runnerOf("dev-families", id);
    assert.equal(t.vocabSize, 256);
    assert.deepEqual(encode(t.vocabulary as Vocabulary, PROSE.slice(0, 128)), bytes, "byte-level vocabulary: ids are the bytes");
    const L = t.logits(bytes);
    assert.ok(L.every(Number.isFinite), id);
    const nll = meanNll(L, bytes, 256);
    assert.ok(nll < 2.5, `${id}: ${nll.toFixed(3)} nats/byte (uniform is ${Math.log(256).toFixed(2)})`);
    logits.set(id, L);
  }
  const a = logits.get("A") as Float32Array;
  assert.ok(top1Agreement(a, logits.get("A-q4k") as Float32Array, 256) > 0.9, "a 4-bit quantization of A predicts like A");
  assert.ok(top1Agreement(a, logits.get("A-moe") as Float32Array, 256) > 0.6, "A upcycled into experts predicts much like A");
  assert.ok(Math.abs(meanNll(a, bytes, 256) - meanNll(logits.get("A-moe") as Float32Array, bytes, 256)) < 0.3);

  for (const id of ["S", "S-ft"]) {
    const t = runnerOf("dev-families", id);
    const ids = encode(t.vocabulary as Vocabulary, PROSE, { bos: true });
    const L = t.logits(ids);
    assert.ok(L.every(Number.isFinite), id);
    assert.ok(meanNll(L, ids, 512) < 4, `${id}: ${meanNll(L, ids, 512).toFixed(3)} nats/token (uniform is ${Math.log(512).toFixed(2)})`);
  }
});

// ------------------------------------------------------------------------------------------------
// CLI
// ------------------------------------------------------------------------------------------------

test("CLI: run prints the story; --json has prompt, tokens, text, tokensPerSecond; --logits the next-token table", () => {
  const model = sharedPath("models", "stories260K", "stories260K.bin");
  const human = runCli(["run", model, "--prompt", "Once upon a time", "--max-tokens", "40"]);
  assert.equal(human.code, 0, human.stderr);
  assert.ok(human.stdout.startsWith(STORY));
  const json = runCli(["run", model, "--prompt", "Once upon a time", "--max-tokens", "20", "--json"]);
  assert.equal(json.code, 0, json.stderr);
  const doc = JSON.parse(json.stdout) as { prompt: string; tokens: number[]; text: string; tokensPerSecond: number };
  assert.equal(doc.prompt, "Once upon a time");
  assert.equal(doc.tokens.length, 20);
  assert.ok(doc.text.startsWith(", there was a little girl"));
  assert.ok(doc.tokensPerSecond > 0);
  const top = runCli(["run", model, "--prompt", "Once upon a", "--logits", "--json"]);
  assert.equal(top.code, 0, top.stderr);
  const t = JSON.parse(top.stdout) as { top: Array<{ token: string; prob: number }> };
  assert.equal(t.top.length, 10);
  assert.equal(t.top[0]?.token, " time");
  const ids = runCli(["run", sharedPath("models", "gpt-by-hand", "ckpt-run1.pt"), "--tokens", "1,2,3", "--max-tokens", "4"]);
  assert.equal(ids.code, 0, ids.stderr);
  assert.match(ids.stdout, /^prompt tokens: 1,2,3\ngenerated: +\d+(,\d+){3}\n$/);
});

test("CLI: bad input exits 2 with one line on stderr", () => {
  const stories = sharedPath("models", "stories260K", "stories260K.bin");
  const cases: Array<[string[], RegExp]> = [
    [["run", stories, "--tokens", "1,512"], /token id 512 is outside the model's vocabulary \(0\.\.511\)/],
    [["run", sharedPath("models", "does-not-exist.bin")], /no such file/],
    [["run", sharedPath("models", "gpt-by-hand", "ckpt-run1.pt"), "--prompt", "hello"], /no tokenizer.*--tokens/],
    [["run", stories, "--tokens", "1,x"], /not a token id/],
    [["run", stories, "--temperature", "-1"], /--temperature/],
  ];
  for (const [args, message] of cases) {
    const r = runCli(args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.equal(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, "");
  }
});
