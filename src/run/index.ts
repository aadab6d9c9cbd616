/**
 * @module run
 * A float32 CPU forward pass for small models, from the canonical model view (any format): the
 * Transformer (KV-cached forward, whole-batch logits), text generation, and the numeric kernels.
 */
export { Transformer, MAX_WEIGHT_BYTES, type TransformerOptions } from "./transformer.js";
export { generate, nextTokens, promptTokens, sampleToken, type GenerateOptions, type Generation, type NextToken, type StopReason } from "./generate.js";
export { runVocabulary } from "./vocab.js";
export {
  matvec, dot, rmsNorm, layerNorm, softmax, silu, erf, gelu, geluTanh, relu, ropeAngles, applyRope, argmax, type RopeLayout,
} from "./kernels.js";
