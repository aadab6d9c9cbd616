/**
 * @module cli/commands/inspect
 * `pedigree inspect <path>`: what a model file or folder is — format, architecture, size, dtypes,
 * declared metadata, tokenizer; `--tensors` adds every tensor with its canonical name and digest.
 */
import type { Command } from "commander";
import { inspect } from "../../api/inspect.js";
import { inspectText } from "../../report/inspect-text.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printText, textWidth } from "../output.js";
import { progress } from "../progress.js";

export function registerInspect(program: Command): void {
  program
    .command("inspect")
    .description("say what a model is: format, architecture, parameters, dtypes, declared metadata, tokenizer")
    .argument("<path>", "a weight file (safetensors, GGUF, PyTorch, llama2.c) or a model folder")
    .option("--tensors", "list every tensor with its canonical name, shape, dtype and f32 sha256")
    .option("--no-digests", "with --tensors: skip the content digests (faster on big models)")
    .option("--json", "machine-readable output")
    .action(async (path: string, opts: { tensors?: boolean; digests: boolean; json?: boolean }) => {
      let bar: ReturnType<typeof progress> | undefined;
      try {
        const doc = await inspect({ model: path, tensors: !!opts.tensors, digests: opts.digests, onProgress: (e) => (bar ??= progress("hashing tensors", e.total, "tensors", { json: opts.json })).update(e.done) });
        bar?.stop();
        if (opts.json) printJson(doc);
        else printText(inspectText(doc, textWidth()));
      } finally {
        bar?.stop();
      }
      process.exitCode = EXIT.clean;
    });
}
