/**
 * @module formats/llama2c/to-weights
 * A llama2.c checkpoint as a WeightSet: the header is the whole config; Q/K rows are Meta layout.
 */
import type { ByteSource } from "../../io/byte-source.js";
import type { WeightSet } from "../../model/weight-set.js";
import { parseLlama2c } from "./parse.js";

export function llama2cWeights(src: ByteSource, path: string): WeightSet {
  const f = parseLlama2c(src);
  const h = f.header;
  return {
    format: "llama2c", path, files: [src.path], tensors: f.tensors, qkLayout: "meta",
    architecture: `llama2.c v${h.version}`,
    params: {
      dim: h.dim, nLayers: h.nLayers, nHeads: h.nHeads, nKvHeads: h.nKvHeads, headDim: h.dim / h.nHeads,
      ffn: h.hiddenDim, vocab: h.vocabSize, ctx: h.seqLen, normEps: 1e-5, ropeTheta: 10000,
      tiedEmbeddings: h.sharedClassifier, block: "llama", norm: "rms", activation: "silu",
    },
    declared: { baseModels: [], problems: [] },
    metadata: { version: h.version, ...(h.groupSize ? { groupSize: h.groupSize } : {}), sharedClassifier: h.sharedClassifier },
    close: () => src.close(),
  };
}
