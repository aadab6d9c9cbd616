/**
 * Synthetic fingerprints at real sizes for the benchmarks: pedigree's layout for 1B-70B-shaped
 * llama models (residual width, depth, MLP width, vocabulary) with random int8 sketches and random
 * index codes (independent models), and a fine-tune's fingerprint made from one (bench/scan.ts,
 * bench/hub.ts).
 */
import { layout } from "../src/fingerprint/compute.js";
import { fromSketch, toSketch, type Sketch } from "../src/fingerprint/sketch.js";
import type { Fingerprint, IndexKey, LayerPrint } from "../src/fingerprint/types.js";
import { FINGERPRINT_VERSION } from "../src/fingerprint/types.js";
import type { HyperParams } from "../src/model/hyper-params.js";
import type { Rng } from "../src/numeric/rng.js";

export interface Shape { name: string; dim: number; layers: number; ffn: number; vocab: number; heads: number; kvHeads: number; bytes: number }
export const SHAPES: Shape[] = [
  { name: "1B", dim: 2048, layers: 22, ffn: 5632, vocab: 32000, heads: 32, kvHeads: 4, bytes: 2.2e9 },
  { name: "7B", dim: 4096, layers: 32, ffn: 11008, vocab: 32000, heads: 32, kvHeads: 32, bytes: 13.5e9 },
  { name: "8B", dim: 4096, layers: 32, ffn: 14336, vocab: 128256, heads: 32, kvHeads: 8, bytes: 16e9 },
  { name: "13B", dim: 5120, layers: 40, ffn: 13824, vocab: 32000, heads: 40, kvHeads: 40, bytes: 26e9 },
  { name: "70B", dim: 8192, layers: 80, ffn: 28672, vocab: 128256, heads: 64, kvHeads: 8, bytes: 140e9 },
];

function params(s: Shape): HyperParams {
  return {
    dim: s.dim, nLayers: s.layers, nHeads: s.heads, nKvHeads: s.kvHeads, headDim: s.dim / s.heads, ffn: s.ffn, vocab: s.vocab, ctx: 4096,
    normEps: 1e-5, ropeTheta: 10000, ropeDim: s.dim / s.heads, tiedEmbeddings: false, nExperts: 0, expertsPerToken: 0, block: "llama", norm: "rms", activation: "silu",
  };
}

function randomSketch(rows: number, cols: number, rng: Rng): Sketch {
  const x = new Float32Array(rows * cols);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  return toSketch(x, rows, cols);
}

export function randomIndex(layers: number, rng: Rng): IndexKey {
  // what compute.ts emits: 32 anchor codes, then 8 layers x 32 units x (descriptor, coordinate)
  const n = 32 + 8 * 32 * 2;
  const codes = new Uint32Array(2 * n);
  const kinds = new Uint8Array(n);
  const ls = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    codes[2 * i] = rng.u32();
    codes[2 * i + 1] = rng.u32();
    kinds[i] = i < 32 ? 2 : (i - 32) % 2;
    ls[i] = i < 32 ? 0 : Math.floor(((i - 32) >> 6) * (layers / 8));
  }
  return { codes, kinds, layers: ls };
}

/** A fingerprint with pedigree's layout for the shape, random contents. */
export function synthetic(s: Shape, rng: Rng, name: string): Fingerprint {
  const p = params(s);
  const plan = layout(s.dim, s.layers, s.ffn, 2, s.vocab, Math.min(160 << 10, Math.max(64 << 10, Math.floor(0.01 * s.bytes))));
  const w = plan.width;
  const layers: LayerPrint[] = Array.from({ length: s.layers }, (_, l) => ({
    layer: l,
    mlp: {
      units: s.ffn, views: ["gate", "up"], combine: "gated",
      kept: Int32Array.from(rng.permutation(s.ffn).slice(0, plan.keptPerLayer)).sort(),
      rows: [randomSketch(plan.keptPerLayer, w, rng), randomSketch(plan.keptPerLayer, w, rng)],
      fixed: Int32Array.from({ length: plan.fixedPerLayer }, (_, i) => i * 97),
      fixedRows: [randomSketch(plan.fixedPerLayer, w, rng), randomSketch(plan.fixedPerLayer, w, rng)],
    },
  }));
  const texts = Array.from({ length: plan.anchors }, (_, i) => `tok${(i * 7919) % s.vocab}`);
  return {
    version: FINGERPRINT_VERSION,
    summary: {
      path: `/models/${name}`, format: "safetensors", architecture: "LlamaForCausalLM", params: p, parameters: Math.round(s.bytes / 2), dtypes: { BF16: 1 }, quantized: null,
      declared: { baseModels: [], problems: [] }, tokenizer: { kind: "tokenizer.json", size: s.vocab }, files: [], modelBytes: s.bytes,
    },
    dim: s.dim, space: plan.space, coords: plan.coords, anchors: { texts, embed: plan.space === "rows" ? randomSketch(plan.anchors, w, rng) : null }, layers, index: randomIndex(s.layers, rng),
  };
}

/** A fine-tune of `fp` as its fingerprint would show it: every sketched row moved by `noise` (relative), some index codes changed. */
export function derivative(fp: Fingerprint, noise: number, keptCodes: number, rng: Rng): Fingerprint {
  const move = (sk: Sketch): Sketch => {
    const x = fromSketch(sk);
    let ss = 0;
    for (const v of x) ss += v * v;
    const sd = noise * Math.sqrt(ss / Math.max(1, x.length));
    for (let i = 0; i < x.length; i++) x[i] = (x[i] as number) + sd * rng.normal();
    return toSketch(x, sk.rows, sk.cols);
  };
  const codes = Uint32Array.from(fp.index.codes);
  for (let i = 0; i < codes.length; i += 2) if (rng.uniform() > keptCodes) codes.set([rng.u32(), rng.u32()], i);
  return {
    ...fp,
    summary: { ...fp.summary, path: "/uploads/suspect-derivative" },
    anchors: { texts: fp.anchors.texts, embed: fp.anchors.embed ? move(fp.anchors.embed) : null },
    layers: fp.layers.map((l) => ({ layer: l.layer, mlp: l.mlp ? { ...l.mlp, rows: l.mlp.rows.map(move), fixedRows: l.mlp.fixedRows.map(move) } : null })),
    index: { ...fp.index, codes },
  };
}

