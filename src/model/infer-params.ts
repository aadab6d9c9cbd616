/**
 * @module model/infer-params
 * Complete the declared hyper-parameters from the tensors themselves, noting every guess.
 */
import type { CanonicalTensor } from "./canonical-tensor.js";
import type { DeclaredParams, HyperParams } from "./hyper-params.js";

/** Largest count a declared shape number may have (2^31 layers or widths are never real). */
const MAX_DECLARED = 1 << 24;

type Counts = "dim" | "nLayers" | "nHeads" | "nKvHeads" | "headDim" | "ffn" | "vocab" | "ctx" | "nExperts" | "expertsPerToken" | "ropeDim";
const COUNTS: Counts[] = ["dim", "nLayers", "nHeads", "nKvHeads", "headDim", "ffn", "vocab", "ctx", "nExperts", "expertsPerToken", "ropeDim"];

/**
 * Declared counts are claims: one that is not a positive integer of plausible size, or that the
 * tensors contradict, is dropped with a note, and the tensors decide. Nothing downstream ever
 * loops or allocates by a number only a header asserted.
 */
function checkDeclared(declared: DeclaredParams, tensors: Map<string, CanonicalTensor>, notes: string[]): DeclaredParams {
  const d: DeclaredParams = { ...declared };
  for (const k of COUNTS) {
    const v = d[k];
    if (v === undefined) continue;
    if (!Number.isSafeInteger(v) || v < 0 || v > MAX_DECLARED || (v === 0 && k !== "ctx" && k !== "nExperts" && k !== "expertsPerToken")) {
      notes.push(`declared ${k} ${v} is not a plausible count: ignored`);
      delete d[k];
    }
  }
  const t = (k: string) => tensors.get(k);
  let layers = 0;
  for (const x of tensors.values()) if (x.layer !== null) layers = Math.max(layers, x.layer + 1);
  const embed = t("embed");
  const q0 = t("layers.0.attn.q");
  const ffnT = t("layers.0.mlp.gate") ?? t("layers.0.mlp.up") ?? t("layers.0.moe.experts.0.gate") ?? t("layers.0.moe.experts.0.up");
  const against = (k: Counts, actual: number | undefined, what: string) => {
    if (d[k] === undefined || actual === undefined || d[k] === actual) return;
    notes.push(`declared ${k} ${d[k]} contradicts the tensors (${what} ${actual}): using ${actual}`);
    d[k] = actual;
  };
  if (layers > 0 || tensors.size > 0) against("nLayers", layers, "layers with weights");
  against("dim", embed?.cols ?? q0?.cols, "residual width");
  against("ffn", ffnT?.rows, "MLP width");
  if (embed && d.vocab !== undefined && d.vocab > embed.rows) against("vocab", embed.rows, "embedding rows");
  if (q0 && d.nHeads && d.headDim && d.nHeads * d.headDim !== q0.rows) {
    notes.push(`declared ${d.nHeads} heads of size ${d.headDim} do not fit Q's ${q0.rows} rows: ignored`);
    delete d.nHeads;
    delete d.headDim;
    delete d.nKvHeads;
  }
  if (q0 && d.nHeads && q0.rows % d.nHeads !== 0) {
    notes.push(`declared ${d.nHeads} heads do not divide Q's ${q0.rows} rows: ignored`);
    delete d.nHeads;
    delete d.nKvHeads;
  }
  return d;
}

export function inferParams(declaredRaw: DeclaredParams, tensors: Map<string, CanonicalTensor>, notes: string[]): HyperParams {
  const declared = checkDeclared(declaredRaw, tensors, notes);
  const t = (k: string) => tensors.get(k);
  let nLayers = 0;
  let nExperts = 0;
  for (const x of tensors.values()) {
    if (x.layer !== null) nLayers = Math.max(nLayers, x.layer + 1);
    if (x.expert !== null) nExperts = Math.max(nExperts, x.expert + 1);
  }
  const embed = t("embed");
  const q0 = t("layers.0.attn.q");
  const dim = declared.dim ?? embed?.cols ?? q0?.cols ?? 0;
  const vocab = declared.vocab ?? embed?.rows ?? t("head")?.rows ?? 0;
  const ffnT = t("layers.0.mlp.gate") ?? t("layers.0.mlp.up") ?? t("layers.0.moe.experts.0.gate") ?? t("layers.0.moe.experts.0.up");
  const ffn = declared.ffn ?? ffnT?.rows ?? 0;

  let headDim = declared.headDim ?? 0;
  let nHeads = declared.nHeads ?? 0;
  const qNorm = t("layers.0.attn.q_norm");
  if (!headDim && qNorm) headDim = qNorm.size;
  if (!nHeads && headDim && q0) nHeads = q0.rows / headDim;
  if (!nHeads && q0) {
    headDim = dim % 64 === 0 && dim >= 256 ? 64 : dim % 32 === 0 && dim >= 64 ? 32 : dim;
    nHeads = Math.max(1, Math.round(q0.rows / headDim));
    notes.push(`number of attention heads not declared: guessed ${nHeads} (head size ${headDim})`);
  }
  if (!headDim && nHeads && q0) headDim = q0.rows / nHeads;
  const k0 = t("layers.0.attn.k");
  const nKvHeads = declared.nKvHeads ?? (k0 && headDim ? k0.rows / headDim : nHeads);

  const gated = !!(t("layers.0.mlp.gate") || t("layers.0.moe.experts.0.gate"));
  const hasPos = !!t("pos_embed");
  const layerNorm = !!t("final_norm.bias") || !!t("layers.0.attn_norm.bias");
  const block = declared.block ?? (gated ? "llama" : hasPos || layerNorm ? "gpt2" : "unknown");
  return {
    dim, nLayers: declared.nLayers ?? nLayers, nHeads, nKvHeads, headDim, ffn, vocab,
    ctx: declared.ctx ?? t("pos_embed")?.rows ?? 0,
    normEps: declared.normEps ?? (block === "gpt2" ? 1e-5 : 1e-5),
    ropeTheta: declared.ropeTheta ?? 10000,
    ropeDim: declared.ropeDim ?? headDim,
    tiedEmbeddings: declared.tiedEmbeddings ?? !t("head"),
    nExperts: declared.nExperts ?? nExperts,
    expertsPerToken: declared.expertsPerToken ?? (nExperts > 0 ? 2 : 0),
    block,
    norm: declared.norm ?? (layerNorm || block === "gpt2" ? "layer" : "rms"),
    activation: declared.activation ?? (block === "gpt2" ? "gelu" : "silu"),
  };
}
