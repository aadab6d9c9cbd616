/**
 * @module numeric/quants
 * Every ggml block-quantization type, by ggml's name. Each kernel decodes bit-exactly as ggml's
 * dequantize_row_* does (checked against ggml's own output in ../shared/testvectors/ggml-quants/).
 */
import { iq1_m, iq1_s } from "./iq1.js";
import { iq2_s, iq2_xs, iq2_xxs } from "./iq2.js";
import { iq3_s, iq3_xxs } from "./iq3.js";
import { iq4_nl } from "./iq4_nl.js";
import { iq4_xs } from "./iq4_xs.js";
import type { QuantKernel } from "./kernel.js";
import { mxfp4 } from "./mxfp4.js";
import { nvfp4 } from "./nvfp4.js";
import { q1_0 } from "./q1_0.js";
import { q2_0 } from "./q2_0.js";
import { q2_K } from "./q2_k.js";
import { q3_K } from "./q3_k.js";
import { q4_0 } from "./q4_0.js";
import { q4_1 } from "./q4_1.js";
import { q4_K } from "./q4_k.js";
import { q5_0 } from "./q5_0.js";
import { q5_1 } from "./q5_1.js";
import { q5_K } from "./q5_k.js";
import { q6_K } from "./q6_k.js";
import { q8_0 } from "./q8_0.js";
import { q8_1 } from "./q8_1.js";
import { q8_k } from "./q8_k.js";
import { tq1_0 } from "./tq1_0.js";
import { tq2_0 } from "./tq2_0.js";

export type QuantDtype =
  | "Q4_0" | "Q4_1" | "Q5_0" | "Q5_1" | "Q8_0" | "Q8_1"
  | "Q2_K" | "Q3_K" | "Q4_K" | "Q5_K" | "Q6_K" | "Q8_K"
  | "IQ1_S" | "IQ1_M" | "IQ2_XXS" | "IQ2_XS" | "IQ2_S" | "IQ3_XXS" | "IQ3_S" | "IQ4_NL" | "IQ4_XS"
  | "TQ1_0" | "TQ2_0" | "MXFP4" | "NVFP4" | "Q1_0" | "Q2_0";

export type { QuantKernel };

export const QUANT_KERNELS: Record<QuantDtype, QuantKernel> = {
  Q4_0: q4_0,
  Q4_1: q4_1,
  Q5_0: q5_0,
  Q5_1: q5_1,
  Q8_0: q8_0,
  Q8_1: q8_1,
  Q2_K: q2_K,
  Q3_K: q3_K,
  Q4_K: q4_K,
  Q5_K: q5_K,
  Q6_K: q6_K,
  Q8_K: q8_k,
  IQ1_S: iq1_s,
  IQ1_M: iq1_m,
  IQ2_XXS: iq2_xxs,
  IQ2_XS: iq2_xs,
  IQ2_S: iq2_s,
  IQ3_XXS: iq3_xxs,
  IQ3_S: iq3_s,
  IQ4_NL: iq4_nl,
  IQ4_XS: iq4_xs,
  TQ1_0: tq1_0,
  TQ2_0: tq2_0,
  MXFP4: mxfp4,
  NVFP4: nvfp4,
  Q1_0: q1_0,
  Q2_0: q2_0,
};
