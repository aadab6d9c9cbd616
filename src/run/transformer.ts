/**
 * @module run/transformer
 * A float32 CPU forward pass over the canonical model view, whatever file it came from.
 *
 * Blocks (pre-norm, residual around attention and around the MLP):
 *  - llama family: RMSNorm, rotary embeddings (HF rotate_half layout, which the canonical view
 *    guarantees for every format), grouped-query causal attention, SwiGLU MLP or a Mixtral mixture of
 *    experts (softmax router, top-k, top-k weights renormalised to 1), optional q/k/v/o and MLP biases
 *    (Qwen2), optional per-head q/k RMSNorm (Qwen3), final RMSNorm, head or tied embedding.
 *  - GPT-2 / nanoGPT: learned position embeddings, LayerNorm (bias optional), causal attention, MLP
 *    up -> GELU (erf or tanh form, as declared) -> down, biases optional, final LayerNorm, head or tied
 *    embedding.
 * The norm (RMS or Layer) and activation follow the declared hyper-parameters, so LayerNorm llamas and
 * gated GELU MLPs run too. Anything the pass does not implement (Gemma's scaled embeddings and 1+w norms,
 * sandwich norms, shared experts, latent attention, rotary GPTs) is refused rather than run wrongly.
 *
 * Every weight is read once into a Float32Array; activations are float32, accumulation float64 (see
 * kernels.ts).
 */
import { BadInputError, UnsupportedError, UsageError } from "../errors.js";
import type { Vocabulary } from "../formats/tokenizer/vocabulary.js";
import type { CanonicalModel } from "../model/canonical.js";
import type { CanonicalTensor } from "../model/canonical-tensor.js";
import type { HyperParams } from "../model/hyper-params.js";
import { parseKey, type Role } from "../model/roles.js";
import { applyRope, gelu, geluTanh, layerNorm, matvec, relu, rmsNorm, ropeAngles, silu, softmax, dot } from "./kernels.js";
import { runVocabulary } from "./vocab.js";

/** Weights above this many bytes (as float32) are refused: this runner is for small models. */
export const MAX_WEIGHT_BYTES = 2 * 1024 ** 3;

export interface TransformerOptions {
  /** Refuse models whose float32 weights exceed this many bytes (default MAX_WEIGHT_BYTES, 2 GiB). */
  maxBytes?: number;
  /** The vocabulary to encode/decode with (default: the model's own, see run/vocab.ts). */
  vocabulary?: Vocabulary | null;
}

interface Linear {
  w: Float32Array;
  b: Float32Array | undefined;
  rows: number;
  cols: number;
}

interface Norm {
  w: Float32Array;
  b: Float32Array | undefined;
}

interface Mlp {
  gate: Linear | undefined;
  up: Linear;
  down: Linear;
}

interface Layer {
  attnNorm: Norm;
  q: Linear;
  k: Linear;
  v: Linear;
  o: Linear;
  qNorm: Float32Array | undefined;
  kNorm: Float32Array | undefined;
  mlpNorm: Norm;
  mlp: Mlp | undefined;
  router: Linear | undefined;
  experts: Mlp[];
  /** KV cache: [capacity, kvDim] each. */
  kCache: Float32Array;
  vCache: Float32Array;
}

const LLAMA_ROLES = new Set<Role>([
  "embed", "attn_norm", "attn.q", "attn.k", "attn.v", "attn.o", "attn.q_norm", "attn.k_norm", "mlp_norm",
  "mlp.gate", "mlp.up", "mlp.down", "moe.router", "moe.gate", "moe.up", "moe.down", "final_norm", "head", "other",
]);
const GPT2_ROLES = new Set<Role>([
  "embed", "pos_embed", "attn_norm", "attn.q", "attn.k", "attn.v", "attn.o", "mlp_norm", "mlp.gate", "mlp.up", "mlp.down",
  "final_norm", "head", "other",
]);

export class Transformer {
  readonly params: HyperParams;
  readonly dim: number;
  readonly nLayers: number;
  readonly nHeads: number;
  readonly nKvHeads: number;
  readonly headDim: number;
  readonly ropeDim: number;
  readonly vocabSize: number;
  /** Longest sequence the model was built for (learned positions: a hard limit; rotary: as declared, 0 if unknown). */
  readonly contextLength: number;
  readonly positions: "rope" | "learned";
  readonly vocabulary: Vocabulary | undefined;
  /** The model's path (for messages). */
  readonly source: string;
  /** What the runner left out or assumed. */
  readonly notes: string[] = [];

  private readonly embed: Float32Array;
  private readonly posEmbed: Float32Array | undefined;
  private readonly finalNorm: Norm;
  private readonly head: Linear;
  private readonly layers: Layer[] = [];
  private readonly qDim: number;
  private readonly kvDim: number;
  private readonly norm: "rms" | "layer";
  private readonly act: (x: number) => number;
  private readonly eps: number;

  // Scratch.
  private readonly x: Float32Array;
  private readonly xb: Float32Array;
  private readonly xb2: Float32Array;
  private readonly q: Float32Array;
  private readonly k: Float32Array;
  private readonly v: Float32Array;
  private readonly att: Float32Array;
  private readonly hb: Float32Array;
  private readonly hb2: Float32Array;
  private readonly routerLogits: Float32Array;
  private readonly out: Float32Array;
  private readonly acc: Float64Array;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private scores: Float32Array;
  private capacity = 0;
  private length = 0;

  constructor(model: CanonicalModel, options: TransformerOptions = {}) {
    const file = model.path;
    this.source = file;
    const p = model.params;
    if (p.block !== "llama" && p.block !== "gpt2") {
      throw new UnsupportedError(file, `cannot run a model of block kind "${p.block}": only llama-family and GPT-2-style blocks are implemented`);
    }
    if (/gemma/i.test(model.architecture)) {
      throw new UnsupportedError(file, `cannot run ${model.architecture}: Gemma's scaled embeddings and (1 + w) norms are not implemented`);
    }
    const tensors = model.tensors;
    const allowed = p.block === "llama" ? LLAMA_ROLES : GPT2_ROLES;
    const keys = [...tensors.keys()];
    const unsupported = keys.filter((k) => !allowed.has(parseKey(k).role));
    if (unsupported.length > 0) {
      throw new UnsupportedError(file, `cannot run this ${p.block}-family model: tensors with roles the forward pass does not implement (${unsupported.slice(0, 4).join(", ")}${unsupported.length > 4 ? ", ..." : ""})`);
    }
    const others = keys.filter((k) => parseKey(k).role === "other");
    if (others.length > 0) this.notes.push(`unused tensors left out: ${others.slice(0, 4).join(", ")}${others.length > 4 ? ", ..." : ""}`);

    let bytes = 0;
    for (const t of tensors.values()) if (t.role !== "other") bytes += t.size * 4;
    const maxBytes = options.maxBytes ?? MAX_WEIGHT_BYTES;
    if (bytes > maxBytes) {
      throw new UsageError(`${file}: its weights need ${(bytes / 1024 ** 3).toFixed(2)} GiB as float32; \`run\` is a reference CPU forward pass for small models (up to ${(maxBytes / 1024 ** 3).toFixed(0)} GiB)`);
    }

    const need = (key: string): CanonicalTensor => {
      const t = tensors.get(key);
      if (!t) throw new BadInputError(file, `cannot run: the model has no ${key} tensor`);
      return t;
    };
    const vec = (key: string, n: number): Float32Array | undefined => {
      const t = tensors.get(key);
      if (!t) return undefined;
      if (t.size !== n) throw new BadInputError(file, `${key} has ${t.size} values, expected ${n}`);
      return t.read();
    };
    const linear = (key: string, rows: number | undefined, cols: number): Linear => {
      const t = need(key);
      if (t.shape.length !== 2 || t.cols !== cols || (rows !== undefined && t.rows !== rows)) {
        throw new BadInputError(file, `${key} is ${t.shape.join("x")}, expected ${rows ?? "N"}x${cols}`);
      }
      return { w: t.read(), b: vec(`${key}.bias`, t.rows), rows: t.rows, cols };
    };
    const optLinear = (key: string, rows: number | undefined, cols: number): Linear | undefined => (tensors.has(key) ? linear(key, rows, cols) : undefined);

    const embedT = need("embed");
    const dim = embedT.cols;
    if (dim === 0 || embedT.rows === 0) throw new BadInputError(file, `cannot run: the embedding is ${embedT.rows}x${dim} (no tokens or zero width)`);
    this.dim = dim;
    this.nLayers = p.nLayers;
    for (let l = 0; l < p.nLayers; l++) if (!tensors.has(`layers.${l}.attn.q`)) throw new BadInputError(file, `cannot run: layer ${l} has no attention weights`);
    const q0 = need("layers.0.attn.q");
    const k0 = need("layers.0.attn.k");
    let nHeads = p.nHeads;
    const headDim = p.headDim || (nHeads ? dim / nHeads : 0);
    if (!nHeads && headDim) nHeads = q0.rows / headDim;
    if (!Number.isInteger(headDim) || headDim <= 0 || nHeads * headDim !== q0.rows) {
      throw new BadInputError(file, `cannot run: ${nHeads} heads of size ${headDim} do not match the query projection's ${q0.rows} rows`);
    }
    const nKvHeads = k0.rows / headDim;
    if (!Number.isInteger(nKvHeads) || nKvHeads <= 0 || nHeads % nKvHeads !== 0) {
      throw new BadInputError(file, `cannot run: the key projection's ${k0.rows} rows are not a divisor number of heads of size ${headDim}`);
    }
    this.nHeads = nHeads;
    this.nKvHeads = nKvHeads;
    this.headDim = headDim;
    this.qDim = nHeads * headDim;
    this.kvDim = nKvHeads * headDim;

    const posT = tensors.get("pos_embed");
    this.positions = posT ? "learned" : "rope";
    if (!posT && p.block === "gpt2") {
      throw new UnsupportedError(file, "cannot run a GPT-2-style block without learned position embeddings (rotary GPT variants such as GPT-NeoX or Phi are not implemented)");
    }
    if (posT && posT.cols !== dim) throw new BadInputError(file, `pos_embed is ${posT.shape.join("x")}, expected Nx${dim}`);
    this.ropeDim = this.positions === "rope" ? p.ropeDim || headDim : 0;
    if (this.positions === "rope" && (this.ropeDim % 2 !== 0 || this.ropeDim > headDim)) {
      throw new BadInputError(file, `cannot run: rotary dimension ${this.ropeDim} does not fit heads of size ${headDim}`);
    }
    this.contextLength = posT ? posT.rows : p.ctx;
    this.norm = p.norm;
    this.eps = p.normEps > 0 ? p.normEps : 1e-5;
    this.act = p.activation === "gelu" ? gelu : p.activation === "gelu_tanh" ? geluTanh : p.activation === "relu" ? relu : silu;
    if (p.block === "llama" && model.metadata.config && typeof model.metadata.config === "object" && (model.metadata.config as Record<string, unknown>).rope_scaling) {
      this.notes.push("rope_scaling in config.json is not applied (plain RoPE)");
    }

    const normOf = (key: string): Norm => {
      need(key);
      return { w: vec(key, dim) as Float32Array, b: vec(`${key}.bias`, dim) };
    };
    const mlpOf = (prefix: string): Mlp => {
      const up = linear(`${prefix}.up`, undefined, dim);
      return { gate: optLinear(`${prefix}.gate`, up.rows, dim), up, down: linear(`${prefix}.down`, dim, up.rows) };
    };

    this.embed = embedT.read();
    this.posEmbed = posT?.read();
    let maxHidden = 0;
    let maxExperts = 0;
    for (let l = 0; l < p.nLayers; l++) {
      const pre = `layers.${l}`;
      const router = optLinear(`${pre}.moe.router`, undefined, dim);
      const experts: Mlp[] = [];
      if (router) {
        for (let e = 0; e < router.rows; e++) experts.push(mlpOf(`${pre}.moe.experts.${e}`));
        maxExperts = Math.max(maxExperts, router.rows);
        if (p.expertsPerToken < 1 || p.expertsPerToken > router.rows) {
          throw new BadInputError(file, `cannot run: ${p.expertsPerToken} experts per token out of ${router.rows}`);
        }
      }
      const mlp = router ? undefined : mlpOf(`${pre}.mlp`);
      for (const m of mlp ? [mlp] : experts) maxHidden = Math.max(maxHidden, m.up.rows);
      this.layers.push({
        attnNorm: normOf(`${pre}.attn_norm`),
        q: linear(`${pre}.attn.q`, this.qDim, dim),
        k: linear(`${pre}.attn.k`, this.kvDim, dim),
        v: linear(`${pre}.attn.v`, this.kvDim, dim),
        o: linear(`${pre}.attn.o`, dim, this.qDim),
        qNorm: vec(`${pre}.attn.q_norm`, headDim),
        kNorm: vec(`${pre}.attn.k_norm`, headDim),
        mlpNorm: normOf(`${pre}.mlp_norm`),
        mlp,
        router,
        experts,
        kCache: new Float32Array(0),
        vCache: new Float32Array(0),
      });
    }
    this.finalNorm = normOf("final_norm");
    const headT = tensors.get("head");
    this.head = headT ? linear("head", undefined, dim) : { w: this.embed, b: undefined, rows: embedT.rows, cols: dim };
    this.vocabSize = this.head.rows;
    this.params = { ...p, nHeads, nKvHeads, headDim, ropeDim: this.ropeDim, vocab: this.vocabSize };

    this.x = new Float32Array(dim);
    this.xb = new Float32Array(dim);
    this.xb2 = new Float32Array(dim);
    this.q = new Float32Array(this.qDim);
    this.k = new Float32Array(this.kvDim);
    this.v = new Float32Array(this.kvDim);
    this.att = new Float32Array(this.qDim);
    this.hb = new Float32Array(maxHidden);
    this.hb2 = new Float32Array(maxHidden);
    this.routerLogits = new Float32Array(maxExperts);
    this.out = new Float32Array(this.vocabSize);
    this.acc = new Float64Array(headDim);
    this.cos = new Float64Array(Math.max(1, this.ropeDim >> 1));
    this.sin = new Float64Array(Math.max(1, this.ropeDim >> 1));
    this.scores = new Float32Array(0);
    this.vocabulary = options.vocabulary === null ? undefined : (options.vocabulary ?? runVocabulary(model));
  }

  /** Positions held in the KV cache. */
  get cachedLength(): number {
    return this.length;
  }

  /** Forget the KV cache. */
  reset(): void {
    this.length = 0;
  }

  /** Throws a UsageError unless every id is a row of the embedding. */
  checkTokens(tokens: readonly number[]): void {
    const rows = this.embed.length / this.dim;
    for (const id of tokens) {
      if (!Number.isInteger(id) || id < 0 || id >= rows) throw new UsageError(`token id ${id} is outside the model's vocabulary (0..${rows - 1})`);
    }
  }

  /**
   * Run `tokens` at positions startPos, startPos+1, ... through the model, reading and extending the
   * KV cache (startPos may rewind to any cached position; it cannot skip ahead). Returns the logits
   * after the last token (a fresh array of vocabSize values).
   */
  forward(tokens: readonly number[], startPos = this.length): Float32Array {
    if (!Number.isInteger(startPos) || startPos < 0 || startPos > this.length) {
      throw new UsageError(`forward from position ${startPos}: the cache holds positions 0..${this.length - 1}`);
    }
    if (tokens.length === 0) throw new UsageError("forward needs at least one token");
    this.checkTokens(tokens);
    this.checkContext(startPos + tokens.length);
    this.length = startPos;
    for (let i = 0; i < tokens.length; i++) this.step(tokens[i] as number, startPos + i);
    return this.out.slice();
  }

  /**
   * Logits for every position of `tokens` (positions 0..n-1, a fresh cache): [tokens.length, vocabSize]
   * row-major. Row i is the distribution of the token after tokens[0..i].
   */
  logits(tokens: readonly number[]): Float32Array {
    this.checkTokens(tokens);
    this.checkContext(tokens.length);
    const V = this.vocabSize;
    const all = new Float32Array(tokens.length * V);
    this.length = 0;
    for (let i = 0; i < tokens.length; i++) {
      this.step(tokens[i] as number, i);
      all.set(this.out, i * V);
    }
    return all;
  }

  /**
   * The final-normalised hidden state at every position of `tokens` (a fresh cache): [tokens.length,
   * dim] row-major, the vectors the head multiplies (used to fit a head, forge distil).
   */
  finalStates(tokens: readonly number[]): Float32Array {
    this.checkTokens(tokens);
    this.checkContext(tokens.length);
    const all = new Float32Array(tokens.length * this.dim);
    this.length = 0;
    for (let i = 0; i < tokens.length; i++) {
      this.step(tokens[i] as number, i);
      all.set(this.xb, i * this.dim);
    }
    return all;
  }

  private checkContext(n: number): void {
    if (this.positions === "learned" && n > this.contextLength) {
      throw new UsageError(`${n} positions do not fit the model's ${this.contextLength} learned positions`);
    }
  }

  private ensureCapacity(n: number): void {
    if (n <= this.capacity) return;
    let cap = Math.max(64, this.capacity * 2, n);
    if (this.positions === "learned") cap = Math.min(cap, Math.max(n, this.contextLength));
    for (const L of this.layers) {
      const k = new Float32Array(cap * this.kvDim);
      const v = new Float32Array(cap * this.kvDim);
      k.set(L.kCache.subarray(0, this.length * this.kvDim));
      v.set(L.vCache.subarray(0, this.length * this.kvDim));
      L.kCache = k;
      L.vCache = v;
    }
    this.scores = new Float32Array(cap);
    this.capacity = cap;
  }

  private normalise(out: Float32Array, x: Float32Array, n: Norm): void {
    if (this.norm === "layer") layerNorm(out, x, n.w, n.b, this.eps);
    else {
      rmsNorm(out, x, n.w, this.eps);
      if (n.b) for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + (n.b[i] as number);
    }
  }

  /** x += MLP(xb) for one (expert) MLP, scaled by `weight`. */
  private mlpInto(m: Mlp, weight: number): void {
    const { hb, hb2, xb, xb2, x, act } = this;
    const H = m.up.rows;
    const dim = this.dim;
    matvec(hb, m.up.w, xb, H, dim, m.up.b);
    if (m.gate) {
      matvec(hb2, m.gate.w, xb, H, dim, m.gate.b);
      for (let i = 0; i < H; i++) hb[i] = act(hb2[i] as number) * (hb[i] as number);
    } else {
      for (let i = 0; i < H; i++) hb[i] = act(hb[i] as number);
    }
    matvec(xb2, m.down.w, hb, dim, H, m.down.b);
    for (let i = 0; i < dim; i++) x[i] = (x[i] as number) + weight * (xb2[i] as number);
  }

  /** One token at position `pos`: fills this.out with its logits and appends its K/V to the cache. */
  private step(token: number, pos: number): void {
    this.ensureCapacity(pos + 1);
    const { dim, headDim, nHeads, kvDim, x, xb, xb2, q, k, v, att } = this;
    x.set(this.embed.subarray(token * dim, (token + 1) * dim));
    if (this.posEmbed) for (let i = 0; i < dim; i++) x[i] = (x[i] as number) + (this.posEmbed[pos * dim + i] as number);
    if (this.positions === "rope") ropeAngles(pos, this.ropeDim, this.params.ropeTheta, this.cos, this.sin);
    const group = nHeads / this.nKvHeads;
    const scale = 1 / Math.sqrt(headDim);
    const scores = this.scores;
    const acc = this.acc;

    for (const L of this.layers) {
      // Attention.
      this.normalise(xb, x, L.attnNorm);
      matvec(q, L.q.w, xb, this.qDim, dim, L.q.b);
      matvec(k, L.k.w, xb, kvDim, dim, L.k.b);
      matvec(v, L.v.w, xb, kvDim, dim, L.v.b);
      if (L.qNorm) for (let h = 0; h < nHeads; h++) rmsNorm(q, q, L.qNorm, this.eps, headDim, h * headDim);
      if (L.kNorm) for (let h = 0; h < this.nKvHeads; h++) rmsNorm(k, k, L.kNorm, this.eps, headDim, h * headDim);
      if (this.positions === "rope") {
        applyRope(q, nHeads, headDim, this.ropeDim, this.cos, this.sin);
        applyRope(k, this.nKvHeads, headDim, this.ropeDim, this.cos, this.sin);
      }
      L.kCache.set(k, pos * kvDim);
      L.vCache.set(v, pos * kvDim);
      for (let h = 0; h < nHeads; h++) {
        const qo = h * headDim;
        const ko = Math.floor(h / group) * headDim;
        for (let t = 0; t <= pos; t++) scores[t] = dot(q, qo, L.kCache, t * kvDim + ko, headDim) * scale;
        softmax(scores, pos + 1);
        // Weighted sum of the values, position by position (float64 accumulators, t in order for every d).
        acc.fill(0);
        for (let t = 0, o = ko; t <= pos; t++, o += kvDim) {
          const s = scores[t] as number;
          for (let d = 0; d < headDim; d++) acc[d] = (acc[d] as number) + s * (L.vCache[o + d] as number);
        }
        for (let d = 0; d < headDim; d++) att[qo + d] = acc[d] as number;
      }
      matvec(xb2, L.o.w, att, dim, this.qDim, L.o.b);
      for (let i = 0; i < dim; i++) x[i] = (x[i] as number) + (xb2[i] as number);

      // MLP or mixture of experts.
      this.normalise(xb, x, L.mlpNorm);
      if (L.mlp) this.mlpInto(L.mlp, 1);
      else if (L.router) this.moeInto(L);
    }
    this.length = pos + 1;
    this.normalise(xb, x, this.finalNorm);
    matvec(this.out, this.head.w, xb, this.vocabSize, dim, this.head.b);
  }

  /** Mixtral routing: softmax over the router logits, the top k experts, their weights renormalised to sum 1. */
  private moeInto(L: Layer): void {
    const router = L.router as Linear;
    const E = router.rows;
    const logits = this.routerLogits;
    matvec(logits, router.w, this.xb, E, this.dim, router.b);
    softmax(logits, E);
    const chosen: number[] = [];
    for (let j = 0; j < this.params.expertsPerToken; j++) {
      let best = -1;
      for (let e = 0; e < E; e++) if (!chosen.includes(e) && (best < 0 || (logits[e] as number) > (logits[best] as number))) best = e;
      chosen.push(best);
    }
    let total = 0;
    for (const e of chosen) total += logits[e] as number;
    for (const e of chosen) this.mlpInto(L.experts[e] as Mlp, (logits[e] as number) / total);
  }
}
