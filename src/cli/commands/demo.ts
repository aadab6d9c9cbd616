/**
 * @module cli/commands/demo
 * `pedigree demo`: the built-in example, with no download. It writes a small base model, forges a
 * derivative the way a model thief would (residual stream and units permuted, fine-tuned,
 * quantized to a GGUF file), synthesizes an independent model of the same shape, and asks
 * `compare` about both; then registers the base as a closed model in a registry of its own and
 * `scan`s the suspect against it, as a lab would.
 */
import type { Command } from "commander";
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { compare } from "../../api/compare.js";
import { forge } from "../../api/forge.js";
import { register } from "../../api/register.js";
import { scan as scanSuspect } from "../../api/scan.js";
import { writeModel } from "../../formats/export/write-model.js";
import { synthesize, type SynthesizeSpec } from "../../forge/synthesize.js";
import { compareText } from "../../report/compare-text.js";
import { demoDocument } from "../../report/documents.js";
import { scanText } from "../../report/scan-text.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printText } from "../output.js";
import { progress } from "../progress.js";

const SHAPE: Omit<SynthesizeSpec, "seed" | "name"> = { family: "llama", dim: 256, layers: 4, ffn: 512, heads: 8, kvHeads: 4, vocab: 512, ctx: 256 };
const STEPS = "permute,finetune-drift:0.15,quantize:Q4_K";

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("run pedigree on a built-in example: a base model, a disguised derivative and an independent model, compared")
    .option("--dir <folder>", "where to write the example models", "pedigree-demo")
    .option("--json", "machine-readable output")
    .action(async (opts: { dir: string; json?: boolean }) => {
      const dir = resolve(opts.dir);
      const base = join(dir, "base");
      const suspect = join(dir, "suspect.gguf");
      const other = join(dir, "independent");
      const bar = progress("writing the example models", 3, "models", { json: opts.json });
      writeModel({ ...synthesize({ ...SHAPE, seed: 1, name: "demo-base" }), declared: { name: "demo-base", license: "apache-2.0", baseModels: [], problems: [] } }, base, { format: "hf", dtype: "F16" });
      bar.update(1);
      await forge({ input: base, steps: STEPS, out: suspect, seed: 7, name: "totally-original-7b", force: true });
      bar.update(2);
      writeModel(synthesize({ ...SHAPE, seed: 2, name: "demo-independent" }), other, { format: "hf", dtype: "F16" });
      bar.stop();
      const reports = [];
      for (const b of [suspect, other]) reports.push((await compare({ a: base, b, command: `pedigree compare ${base} ${b}` })).document);
      const registry = join(dir, "registry.db");
      for (const f of [registry, `${registry}-wal`, `${registry}-shm`]) rmSync(f, { force: true });
      await register({ model: base, registry, meta: { name: "demo-base", owner: "Demo Lab", tier: "closed", license: "other" } });
      // the demo's exit code in the scan report: any finding of severity low or above
      const scan = (await scanSuspect({ model: suspect, registry, failOn: "low" })).document;
      if (opts.json) printJson(demoDocument({ dir, base, suspect, independent: other, steps: STEPS, comparisons: reports, registry, scan }));
      else {
        printText([
          `pedigree demo: wrote three models to ${dir}`,
          `  base         ${base} (random-init llama, 4 layers, dim 256)`,
          `  suspect      ${suspect} (forged from base: ${STEPS})`,
          `  independent  ${other} (same shape, its own initialisation)`,
          "",
          `$ pedigree compare ${base} ${suspect}`,
          compareText(reports[0] as (typeof reports)[number]),
          "",
          `$ pedigree compare ${base} ${other}`,
          compareText(reports[1] as (typeof reports)[number]),
          "",
          `$ pedigree register ${base} --name demo-base --owner "Demo Lab" --tier closed --license other --registry ${registry}`,
          `$ pedigree scan ${suspect} --registry ${registry}`,
          scanText(scan),
        ].join("\n"));
      }
      process.exitCode = EXIT.clean;
    });
}
