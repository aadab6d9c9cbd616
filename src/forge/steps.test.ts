// Each non-function-preserving step, checked for what it claims: shapes, values, the size and
// structure of the change, token strings, and the recorded truth.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { UsageError } from "../errors.js";
import { vocabularyOf } from "../formats/tokens.js";
import { isSpecialToken } from "../formats/tokenizer/vocabulary.js";
import { loadModel } from "../load-model.js";
import type { CanonicalModel } from "../model/canonical.js";
import { materialize } from "../model/materialize.js";
import { mat, svd } from "../numeric/linalg.js";
import { sharedPath } from "../test-support/shared.js";
import { tempDir } from "../test-support/tmp.js";
import { forge, forgeInMemory, type Applied } from "./forge.js";
import { roundTrip } from "./steps/quantize.js";
import { logitsOf, relativeDiff, relChange, tokenBatch } from "./test-helpers.js";

const dev = (id: string) => sharedPath("dev-families", id);
const STORIES = sharedPath("models", "stories260K", "stories260K.bin");
const cache = new Map<string, CanonicalModel>();
function open(path: string): CanonicalModel {
  let m = cache.get(path);
  if (!m) {
    m = loadModel(path);
    cache.set(path, m);
  }
  return m;
}
const A = () => open(dev("A"));

/** Forge in memory and read the result back as a canonical model. */
function forged(m: CanonicalModel, steps: string, seed = 1): { a: Applied; f: CanonicalModel } {
  const a = forgeInMemory(m, steps, seed);
  return { a, f: materialize(a.draft) };
}
const values = (m: CanonicalModel, key: string) => {
  const t = m.tensors.get(key);
  assert.ok(t, `no tensor ${key}`);
  return t.read();
};
const sub = (a: Float32Array, b: Float32Array) => a.map((x, i) => x - (b[i] as number));
function singularValues(x: Float32Array, rows: number, cols: number): number[] {
  return Array.from(svd(mat(rows, cols, x)).s).sort((p, q) => q - p);
}
function usage(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof UsageError && re.test(e.message), re.source);
}

test("finetune-drift: ||Δ|| = rel·||W|| for every tensor, dense plus a rank-8 part, seeded", () => {
  const { a, f } = forged(A(), "finetune-drift:0.1", 3);
  for (const [k, t] of A().tensors) {
    const ratio = relChange(values(f, k), t.read());
    assert.ok(Math.abs(ratio / 0.1 - 1) < 2e-3, `${k}: relative change ${ratio}`);
  }
  const d = sub(values(f, "layers.2.mlp.gate"), values(A(), "layers.2.mlp.gate"));
  const s = singularValues(d, 352, 128);
  const energy = s.reduce((x, y) => x + y * y, 0);
  const top8 = s.slice(0, 8).reduce((x, y) => x + y * y, 0);
  assert.ok(top8 / energy > 0.25, `top-8 share ${top8 / energy}`);
  assert.ok((s[7] as number) / (s[8] as number) > 1.25, `a clear gap after the 8th singular value: ${s.slice(6, 10)}`);
  assert.equal(a.truth.relationTo(0), "finetune");
  const again = forged(A(), "finetune-drift:0.1", 3).f;
  assert.deepEqual(values(again, "embed"), values(f, "embed"));
  assert.notDeepEqual(values(forged(A(), "finetune-drift:0.1", 4).f, "embed"), values(f, "embed"));
  assert.equal(forged(A(), "finetune-drift,finetune-drift").a.truth.relationTo(0), "grandchild");
});

test("lora-merge: a rank-r change of exactly rel·||W|| on q/v/gate/up only", () => {
  const { a, f } = forged(A(), "lora-merge:4:0.05");
  for (const [k, t] of A().tensors) {
    const change = relChange(values(f, k), t.read());
    if (/attn\.(q|v)$|mlp\.(gate|up)$/.test(k)) {
      assert.ok(Math.abs(change / 0.05 - 1) < 2e-3, `${k}: ${change}`);
      if (k === "layers.1.mlp.up") {
        const s = singularValues(sub(values(f, k), t.read()), 352, 128);
        assert.ok((s[4] as number) / (s[0] as number) < 1e-3 && (s[3] as number) / (s[0] as number) > 1e-2, `rank 4: ${s.slice(0, 6)}`);
      }
    } else assert.equal(change, 0, k);
  }
  assert.equal(a.truth.relationTo(0), "lora");
});

test("noise: i.i.d. Gaussian with std = rel × each tensor's std", () => {
  const { a, f } = forged(A(), "noise:0.05");
  for (const k of ["embed", "layers.0.attn.q", "layers.5.mlp.down", "head"]) {
    const w = values(A(), k);
    const d = sub(values(f, k), w);
    const std = (x: Float32Array) => {
      const mean = x.reduce((p, q) => p + q, 0) / x.length;
      return Math.sqrt(x.reduce((p, q) => p + (q - mean) ** 2, 0) / x.length);
    };
    assert.ok(Math.abs(std(d) / std(w) / 0.05 - 1) < 0.03, `${k}: ${std(d) / std(w)}`);
  }
  assert.equal(a.truth.relationTo(0), "noise");
});

test("quantize: matrices on the type's grid, llama-quantize fallbacks recorded, misfits refused", () => {
  const { a, f } = forged(A(), "quantize:Q8_0");
  for (const [k, t] of A().tensors) {
    const v = values(f, k);
    if (t.shape.length === 2) {
      assert.deepEqual(roundTrip("Q8_0", v), v, `${k} is on the Q8_0 grid`);
      assert.ok(relChange(v, t.read()) < 0.01);
    } else assert.deepEqual(v, t.read(), `${k} (1-D) stays as it was`);
  }
  assert.equal(a.truth.quantizations[0]?.tensorTypes["layers.0.mlp.down"], "Q8_0");
  // rows of 128 do not fit Q4_K's 256-value super-blocks: llama-quantize's Q5_0
  const q4 = forgeInMemory(A(), "quantize:Q4_K");
  assert.equal(q4.truth.quantizations[0]?.tensorTypes["layers.0.attn.q"], "Q5_0");
  // stories260K's MLP width 172 fits no Q8_0 block and Q8_0 has no fallback
  usage(() => forgeInMemory(open(STORIES), "quantize:Q8_0"), /layers\.\d\.mlp\.down.*quantize:Q8_0:f32-fallback/);
  const fb = forged(open(STORIES), "quantize:Q8_0:f32-fallback");
  assert.deepEqual(values(fb.f, "layers.0.mlp.down"), values(open(STORIES), "layers.0.mlp.down"));
  assert.notDeepEqual(values(fb.f, "layers.0.mlp.up"), values(open(STORIES), "layers.0.mlp.up"));
  assert.equal(fb.a.truth.quantizations[0]?.tensorTypes["layers.0.mlp.down"], "F32");
});

test("quantize written as a GGUF of the same type holds exactly the forged values (also non-idempotent IQ4_NL)", () => {
  const dir = tempDir("pedigree-forge-q-");
  for (const type of ["Q8_0", "IQ4_NL"]) {
    const mem = forged(A(), `permute,quantize:${type}`, 9).f;
    const r = forge({ input: dev("A"), steps: `permute,quantize:${type}`, seed: 9, out: join(dir, `${type}.gguf`) });
    assert.equal(r.dtype, type);
    const b = loadModel(r.out);
    for (const [k, t] of mem.tensors) assert.deepEqual(b.tensors.get(k)?.read(), t.read(), `${type} ${k}`);
    b.close();
    const rec = r.record as { truth: { relation: string; quantization: { type: string } } };
    assert.equal(rec.truth.relation, "obfuscated");
    assert.equal(rec.truth.quantization.type, type);
  }
});

test("drop-layers, stack-layers and reorder-layers re-stack the parent's layers and say how", () => {
  const byIndex = forged(A(), "drop-layers:2+3");
  const byFrac = forged(A(), "drop-layers:0.33");
  for (const { a, f } of [byIndex, byFrac]) {
    assert.equal(f.params.nLayers, 4);
    assert.deepEqual(a.truth.layerMapTo(0), { 0: 0, 1: 1, 2: 4, 3: 5 });
    assert.deepEqual(values(f, "layers.2.attn.q"), values(A(), "layers.4.attn.q"));
    assert.equal(a.truth.relationTo(0), "layer-drop");
  }
  const dus = forged(A(), "stack-layers");
  assert.equal(dus.f.params.nLayers, 8);
  assert.deepEqual(Object.values(dus.a.truth.layerMapTo(0)), [0, 1, 2, 3, 2, 3, 4, 5]);
  assert.deepEqual(values(dus.f, "layers.4.mlp.down"), values(A(), "layers.2.mlp.down"));
  assert.equal(dus.a.truth.relationTo(0), "depth-upscale");
  const rev = forged(A(), "reorder-layers:5+4+3+2+1+0");
  assert.deepEqual(Object.values(rev.a.truth.layerMapTo(0)), [5, 4, 3, 2, 1, 0]);
  assert.equal(rev.a.truth.relationTo(0), "layer-reorder");
  // composed: stack then drop
  const both = forgeInMemory(A(), "stack-layers:2,drop-layers:0+7");
  assert.deepEqual(Object.values(both.truth.layerMapTo(0)), [1, 2, 3, 2, 3, 4]);
  assert.equal(both.truth.relationTo(0), "depth-upscale");
  usage(() => forgeInMemory(A(), "drop-layers:0-5"), /would leave none/);
  usage(() => forgeInMemory(A(), "drop-layers:6"), /6 layers.*no layer 6/);
  usage(() => forgeInMemory(A(), "reorder-layers:0+1+2"), /not an order of the model's 6 layers/);
  usage(() => forgeInMemory(A(), "stack-layers:6"), /below the number of layers/);
});

test("prune-width removes the smallest-norm MLP units per layer", () => {
  const { a, f } = forged(A(), "prune-width:0.25");
  assert.equal(f.params.ffn, 264);
  const gate = values(A(), "layers.3.mlp.gate");
  const up = values(A(), "layers.3.mlp.up");
  const down = values(A(), "layers.3.mlp.down");
  const rowNorm = (x: Float32Array, i: number) => Math.hypot(...x.subarray(i * 128, (i + 1) * 128));
  const colNorm = (i: number) => Math.hypot(...Array.from({ length: 128 }, (_, r) => down[r * 352 + i] as number));
  const score = Array.from({ length: 352 }, (_, i) => rowNorm(gate, i) * rowNorm(up, i) * colNorm(i));
  const keep = Array.from({ length: 352 }, (_, i) => i).sort((x, y) => (score[y] as number) - (score[x] as number)).slice(0, 264).sort((x, y) => x - y);
  const fg = values(f, "layers.3.mlp.gate");
  keep.forEach((u, i) => assert.deepEqual(fg.subarray(i * 128, (i + 1) * 128), gate.subarray(u * 128, (u + 1) * 128)));
  const fd = values(f, "layers.3.mlp.down");
  assert.equal(fd[5 * 264 + 7], down[5 * 352 + (keep[7] as number)]);
  const removed = (a.chain[0]?.record as { removedUnits: Record<string, number[]> }).removedUnits["layers.3.mlp"];
  assert.equal(removed?.length, 88);
  assert.ok(removed?.every((u) => !keep.includes(u)));
  assert.equal(a.truth.relationTo(0), "width-prune");
});

test("prune-hidden removes the least important residual dimensions everywhere the stream is read or written", () => {
  const { a, f } = forged(A(), "prune-hidden:0.25");
  assert.equal(f.params.dim, 96);
  assert.equal(f.params.headDim, 32);
  // importance recomputed here: embedding column norm x mean |gain| over every norm
  const e = values(A(), "embed");
  const gains = [...A().tensors.keys()].filter((k) => /(attn_norm|mlp_norm|final_norm)$/.test(k)).map((k) => values(A(), k));
  assert.equal(gains.length, 13);
  const score = Array.from({ length: 128 }, (_, j) => Math.hypot(...Array.from({ length: 256 }, (_, r) => e[r * 128 + j] as number)) * gains.reduce((s, g) => s + Math.abs(g[j] as number), 0));
  const keep = Array.from({ length: 128 }, (_, j) => j).sort((x, y) => (score[y] as number) - (score[x] as number)).slice(0, 96).sort((x, y) => x - y);
  assert.deepEqual((a.chain[0]?.record as { keptDims: number[] }).keptDims, keep);
  assert.equal(a.truth.relationTo(0), "width-prune");
  // readers lose columns, writers rows, gains entries: the kept ones, unchanged
  const col = (m: CanonicalModel, key: string, cols: number, r: number, j: number) => values(m, key)[r * cols + j] as number;
  for (const [j, old] of [[0, keep[0]], [50, keep[50]], [95, keep[95]]] as Array<[number, number]>) {
    assert.equal(col(f, "embed", 96, 7, j), col(A(), "embed", 128, 7, old));
    assert.equal(col(f, "head", 96, 200, j), col(A(), "head", 128, 200, old));
    assert.equal(col(f, "layers.2.attn.k", 96, 5, j), col(A(), "layers.2.attn.k", 128, 5, old));
    assert.equal(col(f, "layers.4.mlp.up", 96, 300, j), col(A(), "layers.4.mlp.up", 128, 300, old));
    assert.equal(col(f, "layers.1.attn.o", 128, j, 9), col(A(), "layers.1.attn.o", 128, old, 9));
    assert.equal(col(f, "layers.5.mlp.down", 352, j, 11), col(A(), "layers.5.mlp.down", 352, old, 11));
    assert.equal(values(f, "layers.3.mlp_norm")[j], values(A(), "layers.3.mlp_norm")[old]);
  }
  assert.deepEqual(f.tensors.get("layers.0.attn.q")?.shape, [128, 96]);
  assert.deepEqual(f.tensors.get("layers.0.attn.o")?.shape, [96, 128]);
  // it still runs, and still predicts much as A does (not the same function: RMSNorm sees fewer dims)
  const tokens = tokenBatch(256);
  const d = relativeDiff(logitsOf(f, tokens), logitsOf(A(), tokens));
  assert.ok(d.l2 > 1e-3 && d.l2 < 0.8, `logits moved ${d.l2}`);
  usage(() => forgeInMemory(A(), "prune-hidden:0.001"), /removes no residual dimension of 128/);
  usage(() => forgeInMemory(A(), "prune-hidden:1"), /would remove every residual dimension/);
});

test("prune-heads removes whole key/value groups, weakest first, from q, k, v and o", () => {
  const G = open(dev("G"));
  assert.equal(G.params.nHeads, 4);
  assert.equal(G.params.nKvHeads, 2);
  const { a, f } = forged(G, "prune-heads:0.5");
  assert.equal(f.params.nHeads, 2);
  assert.equal(f.params.nKvHeads, 1);
  const hd = 32;
  const keptKv = (a.chain[0]?.record as { keptKvHeads: number[][] }).keptKvHeads;
  assert.equal(keptKv.length, 6);
  for (const l of [0, 3]) {
    const norm2 = (x: Float32Array, from: number, to: number) => x.subarray(from, to).reduce((s, v) => s + v * v, 0);
    const [q, k, v, o] = (["q", "k", "v", "o"] as const).map((t) => values(G, `layers.${l}.attn.${t}`));
    const score = [0, 1].map((g) => {
      let os = 0;
      for (let r = 0; r < 128; r++) os += norm2(o as Float32Array, r * 128 + g * 64, r * 128 + (g + 1) * 64);
      return norm2(q as Float32Array, g * 64 * 128, (g + 1) * 64 * 128) * norm2(k as Float32Array, g * hd * 128, (g + 1) * hd * 128) * norm2(v as Float32Array, g * hd * 128, (g + 1) * hd * 128) * os;
    });
    const g = (score[0] as number) >= (score[1] as number) ? 0 : 1;
    assert.deepEqual(keptKv[l], [g]);
    // the kept group's query heads (2g, 2g+1), kv head g, and o's columns for those query heads
    assert.deepEqual(values(f, `layers.${l}.attn.q`), (q as Float32Array).subarray(g * 64 * 128, (g + 1) * 64 * 128));
    assert.deepEqual(values(f, `layers.${l}.attn.v`), (v as Float32Array).subarray(g * hd * 128, (g + 1) * hd * 128));
    const fo = values(f, `layers.${l}.attn.o`);
    assert.equal(fo.length, 128 * 64);
    assert.equal(fo[5 * 64 + 40], (o as Float32Array)[5 * 128 + g * 64 + 40]);
  }
  // still runs
  assert.ok(logitsOf(f, tokenBatch(256)).every(Number.isFinite));
  usage(() => forgeInMemory(G, "prune-heads:0.1"), /removes no key\/value group of 2/);
  usage(() => forgeInMemory(A(), "prune-heads:1"), /would remove every head \(4\)/);
});

test("vocab-extend appends tokens made of frequent tokens with mean rows (byte-level BPE and SentencePiece)", () => {
  const dir = tempDir("pedigree-forge-vocab-");
  const r = forge({ input: dev("A"), steps: "vocab-extend:64", out: join(dir, "a-vocab"), dtype: "F32" });
  const b = loadModel(r.out);
  try {
    const old = A().tokens?.tokens as string[];
    const now = b.tokens?.tokens as string[];
    assert.equal(now.length, 320);
    assert.equal(b.params.vocab, 320);
    assert.deepEqual(now.slice(0, 256), old);
    const added = now.slice(256);
    assert.equal(new Set(added).size, 64);
    for (const t of added) {
      assert.ok(!old.includes(t));
      assert.ok(old.some((x) => t.startsWith(x) && old.includes(t.slice(x.length))), `${t} joins two tokens`);
    }
    assert.ok(vocabularyOf(b.tokens)?.merges?.length === 64, "one BPE merge per new token");
    const e = values(A(), "embed");
    const mean = Array.from({ length: 128 }, (_, j) => Array.from({ length: 256 }, (_, i) => e[i * 128 + j] as number).reduce((x, y) => x + y, 0) / 256);
    const row = values(b, "embed").subarray(300 * 128, 301 * 128);
    row.forEach((v, j) => assert.ok(Math.abs(v - (mean[j] as number)) < 1e-6));
    assert.equal(values(b, "head").length, 320 * 128);
    const rec = r.record as { truth: { relation: string; vocab: { parentSize: number; size: number; added: { count: number; tokens: Array<{ id: number; token: string }> } } } };
    assert.equal(rec.truth.relation, "vocab-extend");
    assert.deepEqual([rec.truth.vocab.parentSize, rec.truth.vocab.size, rec.truth.vocab.added.count], [256, 320, 64]);
    assert.deepEqual(rec.truth.vocab.added.tokens[0], { id: 256, token: added[0] });
  } finally {
    b.close();
  }
  const s = forged(open(STORIES), "vocab-extend:16");
  const st = s.f.tokens?.tokens as string[];
  assert.equal(st.length, 528);
  assert.ok(st.slice(512).every((t) => !(open(STORIES).tokens?.tokens as string[]).includes(t) && !/^<0x/.test(t)));
});

test("vocab-trim drops tokens from the end, keeping special and byte tokens", () => {
  const s = open(STORIES);
  const { a, f } = forged(s, "vocab-trim:100");
  const v = vocabularyOf(f.tokens);
  assert.ok(v);
  assert.equal(v.tokens.length, 412);
  assert.equal(f.params.vocab, 412);
  assert.deepEqual(v.tokens.slice(0, 259), s.tokens?.tokens.slice(0, 259), "unk, bos, eos and the 256 byte tokens stay");
  assert.ok(isSpecialToken(v, 1) && isSpecialToken(v, 2));
  // its last 102 tokens are single characters (the base alphabet): the 100 before them go
  assert.deepEqual(v.tokens.slice(310), s.tokens?.tokens.slice(410));
  const rec = a.truth.vocabRecord(412) as { removed: { count: number; runs: number[][] }; kept: { runs: number[][] } };
  assert.equal(rec.removed.count, 100);
  assert.deepEqual(rec.removed.runs, [[310, 100]]);
  assert.deepEqual(rec.kept.runs, [[0, 0, 310], [310, 410, 102]]);
  const fe = values(f, "embed");
  const se = values(s, "embed");
  assert.deepEqual(fe.subarray(0, 310 * 64), se.subarray(0, 310 * 64));
  assert.deepEqual(fe.subarray(310 * 64), se.subarray(410 * 64));
  // the same tokens still encode text: byte fallback covers what was removed
  assert.equal(f.tokens?.texts.length, 412);
  // A's 256 tokens are its byte alphabet: nothing can go
  usage(() => forgeInMemory(A(), "vocab-trim:10"), /only 0 of the 256 tokens can be dropped/);
});

test("moe-upcycle: every expert a copy of the MLP (exactly the same function without noise), a new router", () => {
  const exact = forged(A(), "moe-upcycle:4:2:0");
  assert.equal(exact.f.params.nExperts, 4);
  assert.equal(exact.f.params.expertsPerToken, 2);
  assert.deepEqual(exact.f.tensors.get("layers.0.moe.router")?.shape, [4, 128]);
  assert.deepEqual(values(exact.f, "layers.2.moe.experts.3.down"), values(A(), "layers.2.mlp.down"));
  const tokens = tokenBatch(256);
  const d = relativeDiff(logitsOf(exact.f, tokens), logitsOf(A(), tokens));
  assert.ok(d.l2 < 1e-5, `identical experts with renormalised top-2 weights are the dense MLP (${d.l2})`);
  const noisy = forged(A(), "moe-upcycle:4");
  const c = relChange(values(noisy.f, "layers.2.moe.experts.1.gate"), values(A(), "layers.2.mlp.gate"));
  assert.ok(c > 0.005 && c < 0.015, `expert noise ${c}`);
  assert.equal(noisy.a.truth.relationTo(0), "moe-upcycle");
  usage(() => forgeInMemory(open(dev("A-moe")), "moe-upcycle:8"), /already a mixture of 4 experts/);
});

test("transplant takes layers or embeddings from another model and records both parents", () => {
  const { a, f } = forged(A(), `transplant:layers.0+1=${dev("B")}`);
  assert.deepEqual(values(f, "layers.1.mlp.up"), values(open(dev("B")), "layers.1.mlp.up"));
  assert.deepEqual(values(f, "layers.2.mlp.up"), values(A(), "layers.2.mlp.up"));
  assert.deepEqual(a.truth.lineageRecord(["p0", "p1"])["layer.0"], [["p1", "layer.0"]]);
  assert.deepEqual(a.truth.layerMapTo(1), { 0: 0, 1: 1, 2: null, 3: null, 4: null, 5: null });
  assert.deepEqual(a.truth.layerMapTo(0), { 0: null, 1: null, 2: 2, 3: 3, 4: 4, 5: 5 });
  assert.equal(a.truth.relationTo(0), "partial");
  assert.equal(a.truth.relationTo(1), "partial");
  a.close();
  const emb = forgeInMemory(A(), `transplant:embeddings=${dev("B")}`);
  assert.deepEqual(emb.truth.componentsOf(1), { shared: ["embed", "lm_head"], independent: ["layer.0", "layer.1", "layer.2", "layer.3", "layer.4", "layer.5", "final_norm"] });
  assert.equal(emb.truth.relationTo(1), "component");
  emb.close();
  usage(() => forgeInMemory(A(), `transplant:embed=${dev("D")}`), /\[256, 96\].*\[256, 128\]/);
  usage(() => forgeInMemory(A(), `transplant:layers.9=${dev("B")}`), /no layer 9/);
});

test("merge: linear, slerp and ties with models of the same shape", () => {
  const ft = open(dev("A-ft"));
  const lin = forged(A(), `merge:linear=${dev("A-ft")}@1+3`);
  const w = values(A(), "layers.0.attn.v");
  const v = values(ft, "layers.0.attn.v");
  values(lin.f, "layers.0.attn.v").forEach((x, i) => assert.ok(Math.abs(x - (0.25 * (w[i] as number) + 0.75 * (v[i] as number))) < 1e-6));
  assert.deepEqual(lin.a.truth.lineageRecord(["p0", "p1"])["layer.0"], [["p0", "layer.0", 0.25], ["p1", "layer.0", 0.75]]);
  assert.equal(lin.a.truth.relationTo(1), "merge");
  lin.a.close();
  const sl = forged(A(), `merge:slerp=${dev("A-ft")}`);
  const m = values(sl.f, "layers.0.attn.v");
  const cos = (x: Float32Array, y: Float32Array) => x.reduce((s, xi, i) => s + xi * (y[i] as number), 0) / Math.hypot(...x) / Math.hypot(...y);
  assert.ok(Math.abs(cos(m, w) - cos(m, v)) < 1e-3, "t = 0.5 sits halfway on the arc");
  sl.a.close();
  const ties = forged(A(), `merge:ties=${dev("A-ft")}+${dev("A-ft2")}`);
  const t = values(ties.f, "layers.3.mlp.up");
  const base = values(A(), "layers.3.mlp.up");
  const zero = t.filter((x, i) => x === base[i]).length;
  assert.ok(zero > 0.1 * t.length && zero < 0.9 * t.length, `trimmed entries keep the base (${zero} of ${t.length})`);
  ties.a.close();
  usage(() => forgeInMemory(A(), `merge:linear=${dev("D")}`), /does not have this model's shape/);
});

test("function-preserving steps refuse GPT-2 models; moe-upcycle refuses them too", () => {
  const gpt = open(sharedPath("models", "gpt-by-hand", "ckpt-run1.pt"));
  assert.equal(gpt.params.block, "gpt2");
  usage(() => forgeInMemory(gpt, "rotate"), /rotate needs a llama-family model.*GPT-2/);
  usage(() => forgeInMemory(gpt, "permute"), /permute needs a llama-family model/);
  usage(() => forgeInMemory(gpt, "moe-upcycle:4"), /SwiGLU/);
  // value steps work on anything
  const { f } = forged(gpt, "noise:0.01,drop-layers:0");
  assert.equal(f.params.nLayers, gpt.params.nLayers - 1);
});
