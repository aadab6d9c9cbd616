/**
 * @module api/run
 * Run a small model on the CPU (float32 reference forward pass, any format): continue a prompt, or
 * with `logits` give the most likely next tokens. The signal is looked at after every token.
 */
import { readTokenizerFile } from "../formats/tokens.js";
import { generate, nextTokens, Transformer, type Generation, type NextToken } from "../run/index.js";
import { progressOf, throwIfAborted, type OperationOptions } from "./cancel.js";
import { withModel, type ModelInput } from "./inputs.js";

export interface RunOptions extends OperationOptions {
  model: ModelInput;
  /** A text (encoded with the model's tokenizer) or token ids; default "". */
  prompt?: string | readonly number[];
  /** Give the `logits` most likely next tokens instead of generating. */
  logits?: number;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  seed?: number;
  bos?: boolean;
  /**
   * A tokenizer file to run with instead of the model's own (for a model that has none, such as a
   * llama2.c checkpoint without an embedded vocabulary): tokenizer.json, vocab.json, .model or a
   * llama2.c tokenizer .bin. Its size must be the model's vocabulary size.
   */
  tokenizer?: string;
}

export type RunResult =
  | ({ kind: "generation" } & Generation)
  | { kind: "next-tokens"; promptTokens: number[]; top: NextToken[] };

export async function run(opts: RunOptions): Promise<RunResult> {
  throwIfAborted(opts.signal, "run");
  const runner = await withModel(opts.model, (m) => new Transformer(opts.tokenizer === undefined ? m : { ...m, tokens: readTokenizerFile(opts.tokenizer, m.params.vocab) }));
  const prompt = opts.prompt ?? "";
  if (opts.logits !== undefined) return { kind: "next-tokens", ...nextTokens(runner, prompt, opts.logits, opts.bos) };
  const report = progressOf(opts, "run");
  const maxTokens = opts.maxTokens ?? 64;
  let n = 0;
  const g = generate(runner, prompt, {
    maxTokens, temperature: opts.temperature, seed: opts.seed, bos: opts.bos, ...(opts.topP === undefined ? {} : { topP: opts.topP }),
    onToken: () => report("tokens", ++n, maxTokens),
  });
  return { kind: "generation", ...g };
}
