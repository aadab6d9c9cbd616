/**
 * @module cli/commands/tree
 * `pedigree tree`: rebuild family trees of the registered models from their fingerprints — which
 * share weights (p-values corrected for every pair of the registry), the root of each family, who
 * derives from whom and how, merges with their parents. Text, JSON, Graphviz DOT or Mermaid.
 */
import { Option, type Command } from "commander";
import { tree } from "../../api/tree.js";
import { treeDot, treeMermaid, treeText } from "../../lineage/render.js";
import { escapeControls, UsageError } from "../../errors.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printText } from "../output.js";
import { progress } from "../progress.js";
import { REGISTRY_OPTION_HELP } from "./register.js";

interface Opts {
  registry?: string;
  json?: boolean;
  format?: "text" | "json" | "dot" | "mermaid";
  output?: "text" | "json" | "dot" | "mermaid";
}

export function registerTree(program: Command): void {
  program
    .command("tree")
    .description("rebuild family trees of the registered models from weight evidence")
    .option("--registry <file>", REGISTRY_OPTION_HELP)
    .option("--json", "machine-readable output (same as --format json)")
    .addOption(new Option("-o, --output <format>", "output format").choices(["text", "json", "dot", "mermaid"]))
    .addOption(new Option("--format <format>", "same as -o").choices(["text", "json", "dot", "mermaid"]))
    .argument("[names...]", "only these registered models (default: all)")
    .action(async (names: string[], opts: Opts) => {
      if (opts.output && opts.format && opts.output !== opts.format) throw new UsageError("-o and --format disagree: give one");
      const format = opts.json ? "json" : (opts.output ?? opts.format ?? "text");
      const bar = progress("comparing pairs", 1, "pairs", { json: format === "json" });
      let t;
      try {
        t = await tree({ registry: opts.registry, only: names, onProgress: (e) => bar.update(e.done, e.total) });
      } finally {
        bar.stop();
      }
      const d = t.document;
      if (format === "json") printJson(d);
      else if (format === "dot") printText(treeDot(t.tree));
      else if (format === "mermaid") printText(treeMermaid(t.tree));
      else printText(`${d.models} model${d.models === 1 ? "" : "s"} in ${escapeControls(d.registry)}\n${d.pairsCompared} pair${d.pairsCompared === 1 ? "" : "s"} compared, p-values corrected for ${d.testsCorrectedFor}\n\n${treeText(t.tree)}`);
      process.exitCode = EXIT.clean;
    });
}
