/**
 * @module cli/commands/run
 * `pedigree run <model>`: run a small model on the CPU (float32 reference forward pass, any format)
 * and print the prompt with its continuation, or with `--logits` the next-token distribution.
 */
import type { Command } from "commander";
import { run } from "../../api/run.js";
import { UsageError } from "../../errors.js";
import { runDocument } from "../../report/documents.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printText } from "../output.js";

interface RunOptions {
  prompt?: string;
  tokens?: string;
  maxTokens: string;
  temperature: string;
  topP?: string;
  seed?: string;
  logits?: boolean;
  bos?: boolean;
  tokenizer?: string;
  json?: boolean;
}

function number(name: string, text: string, check: (x: number) => boolean, what: string): number {
  const x = Number(text);
  if (text.trim() === "" || !Number.isFinite(x) || !check(x)) throw new UsageError(`--${name} must be ${what}, got ${JSON.stringify(text)}`);
  return x;
}

function parseIds(text: string): number[] {
  const parts = text.split(/[\s,]+/).filter((s) => s !== "");
  if (parts.length === 0) throw new UsageError("--tokens needs at least one token id, e.g. --tokens 1,2,3");
  return parts.map((s) => {
    if (!/^\d+$/.test(s)) throw new UsageError(`--tokens: ${JSON.stringify(s)} is not a token id (ids are whole numbers >= 0, comma-separated)`);
    return Number(s);
  });
}

export function registerRun(program: Command): void {
  program
    .command("run")
    .description("run a small model on the CPU (float32): continue a prompt, or show the next-token distribution")
    .argument("<model>", "a weight file (safetensors, GGUF, PyTorch, llama2.c) or a model folder")
    .option("--prompt <text>", "the text to continue (encoded with the model's tokenizer)")
    .option("--tokenizer <file>", "a tokenizer for a model without one (tokenizer.json, .model, llama2.c tok*.bin)")
    .option("--tokens <ids>", "the prompt as token ids, e.g. 1,2,3 (for models without a tokenizer)")
    .option("--max-tokens <n>", "tokens to generate at most", "64")
    .option("--temperature <t>", "0 = greedy; otherwise sample from softmax(logits / t)", "0")
    .option("--top-p <p>", "with --temperature: nucleus sampling among the tokens holding this much probability")
    .option("--seed <s>", "seed of the sampler (default: random)")
    .option("--logits", "print the top-10 next-token distribution after the prompt instead of generating")
    .option("--bos", "put the tokenizer's BOS token before the prompt (default: as the tokenizer does)")
    .option("--no-bos", "do not put a BOS token before the prompt")
    .option("--json", "machine-readable output")
    .action(async (path: string, opts: RunOptions) => {
      if (opts.prompt !== undefined && opts.tokens !== undefined) throw new UsageError("give either --prompt or --tokens, not both");
      const maxTokens = number("max-tokens", opts.maxTokens, (x) => Number.isInteger(x) && x >= 0, "a whole number >= 0");
      const temperature = number("temperature", opts.temperature, (x) => x >= 0, "a number >= 0");
      const topP = opts.topP === undefined ? undefined : number("top-p", opts.topP, (x) => x > 0 && x <= 1, "a number in (0, 1]");
      const seed = opts.seed === undefined ? Math.floor(Math.random() * 2 ** 32) : number("seed", opts.seed, (x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32, "a whole number in 0..2^32-1");
      const ids = opts.tokens === undefined ? undefined : parseIds(opts.tokens);

      const prompt: string | number[] = ids ?? opts.prompt ?? "";
      const promptText = typeof prompt === "string" ? prompt : null;

      const r = await run({ model: path, prompt, bos: opts.bos, tokenizer: opts.tokenizer, ...(opts.logits ? { logits: 10 } : { maxTokens, temperature, seed, ...(topP === undefined ? {} : { topP }) }) });
      if (r.kind === "next-tokens") {
        const { promptTokens, top } = r;
        if (opts.json) {
          printJson(runDocument(path, promptText, r));
        } else {
          const lines = [`next token after ${promptText !== null ? JSON.stringify(promptText) : `tokens ${promptTokens.join(",")}`}:`];
          lines.push("  rank  id      prob     logit  token");
          top.forEach((t, i) => {
            lines.push(`  ${String(i + 1).padStart(4)}  ${String(t.id).padEnd(6)}  ${t.prob.toFixed(4).padStart(6)}  ${t.logit.toFixed(3).padStart(8)}  ${t.token === undefined ? "" : JSON.stringify(t.token)}`);
          });
          printText(lines.join("\n"));
        }
        process.exitCode = EXIT.clean;
        return;
      }

      const g = r;
      if (opts.json) {
        printJson(runDocument(path, promptText, { ...g, temperature, seed }));
      } else if (g.fullText !== undefined) {
        printText(g.fullText);
        process.stderr.write(`(${g.tokens.length} tokens, ${g.tokensPerSecond.toFixed(1)} tokens/s, stopped: ${g.stop})\n`);
      } else {
        printText(`prompt tokens: ${g.promptTokens.join(",")}\ngenerated:     ${g.tokens.join(",")}`);
        process.stderr.write(`(${g.tokens.length} tokens, ${g.tokensPerSecond.toFixed(1)} tokens/s, stopped: ${g.stop}; the model has no tokenizer: token ids shown)\n`);
      }
      process.exitCode = EXIT.clean;
    });
}
