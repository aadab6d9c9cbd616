/**
 * @module cli/commands/demo
 * `pedigree demo`: the built-in example. Writes a small model (a randomly initialised llama-family
 * model, as `forge --synthesize` makes) into a folder and inspects it, so a fresh install shows
 * what pedigree does without any download.
 */
import type { Command } from "commander";
import { join, resolve } from "node:path";
import { writeModel } from "../../formats/export/write-model.js";
import { synthesize } from "../../forge/synthesize.js";
import { loadModel } from "../../load-model.js";
import { inspectDocument } from "../../report/inspect-document.js";
import { inspectText } from "../../report/inspect-text.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printText } from "../output.js";

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("run pedigree on a built-in example: write a small model, then inspect it")
    .option("--dir <folder>", "where to write the example", "pedigree-demo")
    .option("--json", "machine-readable output")
    .action((opts: { dir: string; json?: boolean }) => {
      const dir = resolve(opts.dir);
      const base = join(dir, "base");
      const draft = synthesize({ family: "llama", dim: 64, layers: 4, ffn: 172, heads: 8, kvHeads: 4, vocab: 256, ctx: 256, seed: 1, name: "demo-base" });
      draft.declared.license = "apache-2.0";
      writeModel(draft, base, { format: "hf", dtype: "F16", cardText: "A small randomly initialised model written by `pedigree demo`." });
      const model = loadModel(base);
      try {
        const doc = inspectDocument(model, { tensors: true, digests: true });
        if (opts.json) printJson({ wrote: base, inspect: doc });
        else printText(`pedigree demo: wrote a small model to ${base}\n\n$ pedigree inspect ${base} --tensors\n${inspectText(doc)}`);
      } finally {
        model.close();
      }
      process.exitCode = EXIT.clean;
    });
}
