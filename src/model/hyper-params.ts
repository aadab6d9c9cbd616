/**
 * @module model/hyper-params
 * The numbers that define a transformer's shape, whichever file declared them (config.json, GGUF
 * metadata, the llama2.c header, a checkpoint's model_args) or, failing that, the tensor shapes.
 */

/** How a block is built; decides the forward pass and which symmetries exist. */
export type BlockKind = "llama" | "gpt2" | "unknown";

export interface HyperParams {
  /** Residual stream width. */
  dim: number;
  nLayers: number;
  nHeads: number;
  nKvHeads: number;
  headDim: number;
  /** MLP hidden width (per expert for MoE). */
  ffn: number;
  vocab: number;
  /** Context length the model was built for (0 if unknown). */
  ctx: number;
  normEps: number;
  ropeTheta: number;
  /** Rotary dimensions per head (headDim unless partial rotary). */
  ropeDim: number;
  tiedEmbeddings: boolean;
  nExperts: number;
  expertsPerToken: number;
  block: BlockKind;
  norm: "rms" | "layer";
  activation: "silu" | "gelu" | "gelu_tanh" | "relu";
}

/** Hyper-parameters as a container declares them: any may be missing. */
export type DeclaredParams = Partial<HyperParams>;
