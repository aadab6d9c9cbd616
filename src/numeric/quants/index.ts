/**
 * @module numeric/quants
 * Every ggml block-quantization type, by ggml's name. Each kernel decodes bit-exactly as ggml's
 * dequantize_row_* does (checked against ggml's own output in ../shared/testvectors/ggml-quants/).
 */
import type { QuantKernel } from "./kernel.js";
import { q8_0 } from "./q8_0.js";

export type QuantDtype =
  | "Q4_0" | "Q4_1" | "Q5_0" | "Q5_1" | "Q8_0" | "Q8_1"
  | "Q2_K" | "Q3_K" | "Q4_K" | "Q5_K" | "Q6_K" | "Q8_K"
  | "IQ1_S" | "IQ1_M" | "IQ2_XXS" | "IQ2_XS" | "IQ2_S" | "IQ3_XXS" | "IQ3_S" | "IQ4_NL" | "IQ4_XS"
  | "TQ1_0" | "TQ2_0" | "MXFP4" | "NVFP4" | "Q1_0" | "Q2_0";

export type { QuantKernel };

export const QUANT_KERNELS: Partial<Record<QuantDtype, QuantKernel>> = {
  Q8_0: q8_0,
};
