/**
 * @module formats/export/write-model
 * Write a draft in any format pedigree writes: a Hugging Face folder (safetensors), a GGUF file, or
 * a llama2.c checkpoint (with its tok<N>.bin beside it).
 */
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { UsageError } from "../../errors.js";
import type { Dtype, ElementDtype } from "../../model/dtype.js";
import type { ModelDraft } from "../../model/draft.js";
import { vocabularyOf } from "../tokens.js";
import { writeGgufModel } from "./gguf-model.js";
import { writeHfDir } from "./hf-dir.js";
import { writeLlama2c, writeLlama2cTokenizer } from "./llama2c.js";
import type { NamingScheme } from "./naming.js";

export type OutputFormat = "hf" | "gguf" | "llama2c";

export interface WriteOptions {
  format: OutputFormat;
  dtype: Dtype;
  naming?: NamingScheme;
  maxShardBytes?: number;
  cardText?: string;
}

/** The format an output path implies: `.gguf` -> GGUF, `.bin` -> llama2.c, anything else a folder. */
export function formatForPath(out: string): OutputFormat {
  if (out.endsWith(".gguf")) return "gguf";
  if (out.endsWith(".bin")) return "llama2c";
  return "hf";
}

export function writeModel(d: ModelDraft, out: string, opts: WriteOptions): void {
  switch (opts.format) {
    case "hf": {
      if (!["F32", "F16", "BF16"].includes(opts.dtype)) throw new UsageError(`safetensors holds F32, F16 or BF16, not ${opts.dtype}: write a .gguf for quantized types`);
      writeHfDir(d, out, { dtype: opts.dtype as ElementDtype, naming: opts.naming, maxShardBytes: opts.maxShardBytes, cardText: opts.cardText });
      return;
    }
    case "gguf":
      mkdirSync(dirname(out), { recursive: true });
      writeGgufModel(d, out, { dtype: opts.dtype });
      return;
    case "llama2c": {
      if (opts.dtype !== "F32") throw new UsageError(`llama2.c checkpoints are written as F32, not ${opts.dtype}`);
      mkdirSync(dirname(out), { recursive: true });
      writeLlama2c(d, out);
      const v = vocabularyOf(d.tokens);
      if (v) writeLlama2cTokenizer(v, join(dirname(out), `tok${v.tokens.length}.bin`));
      return;
    }
  }
}
