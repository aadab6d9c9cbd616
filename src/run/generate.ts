/**
 * @module run/generate
 * Text generation on a Transformer: greedy (temperature 0, the default) or sampled (temperature,
 * optional nucleus top-p, seeded Rng so a seed always gives the same text), stopping at EOS, at
 * maxTokens, or at the end of the model's context. Also the top-k next-token distribution.
 */
import { UsageError } from "../errors.js";
import { decode, encode } from "../formats/tokenizer/index.js";
import { canonicalTokenText, type Vocabulary } from "../formats/tokenizer/vocabulary.js";
import { Rng } from "../numeric/rng.js";
import { argmax, softmax } from "./kernels.js";
import type { Transformer } from "./transformer.js";

export interface GenerateOptions {
  /** Tokens to generate at most (default 64). */
  maxTokens?: number;
  /** 0 (default) = greedy; otherwise logits / temperature are sampled. */
  temperature?: number;
  /** Seed of the sampler (default 0). */
  seed?: number;
  /** Nucleus sampling: sample only among the most likely tokens holding this much probability (default 1). */
  topP?: number;
  /** Put the vocabulary's BOS before an encoded text prompt (default: the tokenizer's `addBos`; if unset, yes for SentencePiece vocabularies). */
  bos?: boolean;
  /** Called with each generated token id. */
  onToken?: (id: number) => void;
}

export type StopReason = "eos" | "max-tokens" | "context";

export interface Generation {
  /** The prompt's token ids (with BOS when one was added). */
  promptTokens: number[];
  /** The generated token ids (the stopping EOS not included). */
  tokens: number[];
  /** The continuation as text (undefined without a vocabulary). */
  text: string | undefined;
  /** Prompt and continuation as one text (undefined without a vocabulary). */
  fullText: string | undefined;
  stop: StopReason;
  /** Generated tokens per second of wall time (prompt processing included). */
  tokensPerSecond: number;
  seconds: number;
}

/** Token ids of a prompt: a text (encoded with the model's vocabulary) or ids as given. */
export function promptTokens(model: Transformer, prompt: string | readonly number[], bos?: boolean): number[] {
  let ids: number[];
  if (typeof prompt === "string") {
    const v = model.vocabulary;
    if (!v) throw new UsageError(`${model.source}: the model has no tokenizer to encode a text prompt; give one (--tokenizer tok512.bin) or token ids (--tokens 1,2,3)`);
    // Unless told, BOS as the tokenizer declares; a SentencePiece vocabulary that does not say gets one (llama2.c, Llama).
    ids = encode(v, prompt, { bos: bos ?? v.addBos ?? (v.kind === "sentencepiece" && v.bos !== undefined) });
    if (ids.length === 0 && v.bos !== undefined) ids = [v.bos];
  } else {
    ids = [...prompt];
  }
  if (ids.length === 0) throw new UsageError("the prompt is empty and the model has no BOS token to start from: give a prompt");
  model.checkTokens(ids);
  return ids;
}

function stopIds(v: Vocabulary | undefined): Set<number> {
  const s = new Set<number>();
  // EOS ends a text; llama2.c models also end one by starting the next with BOS (run.c stops there too).
  if (v?.eos !== undefined) s.add(v.eos);
  if (v?.bos !== undefined && v.kind === "sentencepiece") s.add(v.bos);
  return s;
}

/** Pick the next token from logits (modified in place when sampling). */
export function sampleToken(logits: Float32Array, temperature: number, rng: Rng, topP = 1): number {
  if (!(temperature > 0)) return argmax(logits);
  for (let i = 0; i < logits.length; i++) logits[i] = (logits[i] as number) / temperature;
  softmax(logits);
  const u = rng.uniform();
  if (topP < 1) {
    const order = Array.from(logits.keys()).sort((a, b) => (logits[b] as number) - (logits[a] as number) || a - b);
    let mass = 0;
    let n = 0;
    while (n < order.length && mass < topP) mass += logits[order[n++] as number] as number;
    let acc = 0;
    for (let i = 0; i < n; i++) {
      acc += (logits[order[i] as number] as number) / mass;
      if (u < acc) return order[i] as number;
    }
    return order[n - 1] as number;
  }
  let acc = 0;
  for (let i = 0; i < logits.length; i++) {
    acc += logits[i] as number;
    if (u < acc) return i;
  }
  return logits.length - 1;
}

/** Decode the continuation so that prompt + continuation reads as one text (spaces kept right). */
function continuationText(v: Vocabulary, prompt: number[], gen: number[]): { text: string; full: string } {
  // A model's head may have more rows than its tokenizer has tokens (padded vocabularies): such ids have no text.
  const known = (ids: number[]) => ids.filter((id) => id < v.tokens.length);
  const full = decode(v, known([...prompt, ...gen]));
  const head = decode(v, known(prompt));
  return { text: full.startsWith(head) ? full.slice(head.length) : decode(v, known(gen)), full };
}

/** Generate a continuation of `prompt` (a text or token ids). */
export function generate(model: Transformer, prompt: string | readonly number[], options: GenerateOptions = {}): Generation {
  const maxTokens = options.maxTokens ?? 64;
  const temperature = options.temperature ?? 0;
  if (!Number.isInteger(maxTokens) || maxTokens < 0) throw new UsageError(`max tokens must be a whole number >= 0, got ${maxTokens}`);
  if (!(temperature >= 0) || !Number.isFinite(temperature)) throw new UsageError(`temperature must be >= 0, got ${temperature}`);
  const topP = options.topP ?? 1;
  if (!(topP > 0 && topP <= 1)) throw new UsageError(`top-p must be in (0, 1], got ${topP}`);
  const ids = promptTokens(model, prompt, options.bos);
  const limit = model.contextLength > 0 ? model.contextLength : Infinity;
  if (ids.length > limit) throw new UsageError(`the prompt has ${ids.length} tokens, more than the model's context of ${limit}`);
  const rng = new Rng(options.seed ?? 0);
  const stops = stopIds(model.vocabulary);
  const out: number[] = [];
  const t0 = performance.now();
  let stop: StopReason = "max-tokens";
  if (maxTokens > 0) {
    model.reset();
    let logits = model.forward(ids, 0);
    for (;;) {
      const next = sampleToken(logits, temperature, rng, topP);
      if (stops.has(next)) {
        stop = "eos";
        break;
      }
      out.push(next);
      options.onToken?.(next);
      if (out.length >= maxTokens) break;
      if (ids.length + out.length >= limit) {
        stop = "context";
        break;
      }
      logits = model.forward([next]);
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const v = model.vocabulary;
  const texts = v ? continuationText(v, ids, out) : undefined;
  return {
    promptTokens: ids, tokens: out, text: texts?.text, fullText: texts?.full, stop,
    tokensPerSecond: seconds > 0 ? out.length / seconds : 0, seconds,
  };
}

export interface NextToken {
  id: number;
  /** The token's surface text (undefined without a vocabulary). */
  token: string | undefined;
  prob: number;
  logit: number;
}

/** The `k` most likely next tokens after `prompt`, with probabilities. */
export function nextTokens(model: Transformer, prompt: string | readonly number[], k = 10, bos?: boolean): { promptTokens: number[]; top: NextToken[] } {
  const ids = promptTokens(model, prompt, bos);
  model.reset();
  const logits = model.forward(ids, 0);
  const probs = logits.slice();
  softmax(probs);
  const order = Array.from(probs.keys()).sort((a, b) => (probs[b] as number) - (probs[a] as number) || a - b).slice(0, k);
  const v = model.vocabulary;
  return {
    promptTokens: ids,
    top: order.map((id) => ({ id, token: v && id < v.tokens.length ? canonicalTokenText(v, id) : undefined, prob: probs[id] as number, logit: logits[id] as number })),
  };
}
