/**
 * @module cli/commands/compare
 * `pedigree compare <A> <B>`: is B derived from A's weights? A calibrated verdict with a p-value,
 * the layer map, components, what was done; `--json`, `--html report.html`. Exit 0 whatever the
 * verdict (the comparison completed), 2 on errors.
 */
import type { Command } from "commander";
import { compare } from "../../api/compare.js";
import { escapeControls, UsageError } from "../../errors.js";
import { writeAtomically } from "../../io/atomic-file.js";
import { readProbes } from "../../behaviour/probes.js";
import { behaviourText } from "../../report/behaviour-document.js";
import { compareHtml } from "../../report/compare-html.js";
import { compareText } from "../../report/compare-text.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printText, textWidth } from "../output.js";
import { stagedProgress, type Stage } from "../progress.js";

/** The stages compare reports (api/compare, src/compare.ts), in order, with what each counts. */
const STAGES: Stage[] = [
  { name: "frame", unit: "steps" }, { name: "layers", unit: "layer pairs" }, { name: "attention", unit: "layers" },
  { name: "tokens", unit: "steps" }, { name: "exact test", unit: "steps" }, { name: "transforms", unit: "steps" },
];

interface Opts {
  json?: boolean;
  html?: string;
  with?: string[];
  sample?: string;
  rotation?: boolean;
  behaviour?: boolean;
  controls?: string;
  probes?: string;
  registry?: string;
}

export function registerCompare(program: Command): void {
  program
    .command("compare")
    .description("decide whether B's weights derive from A's: verdict, p-value, layer map, what was done")
    .argument("<A>", "the reference model (file or folder, any format)")
    .argument("<B>", "the suspect model")
    .option("--json", "machine-readable output (stable contract, docs/json.md)")
    .option("--html <file>", "also write a self-contained HTML report")
    .option("--with <models...>", "suspected merge parents: estimate B's mixing weights")
    .option("--sample <n>", "units sampled per component (default 256; 128 for large models)")
    .option("--behaviour", "also test whether B was trained on A's outputs (forward passes of A, B and the controls on probe texts)")
    .option("--controls <models>", "with --behaviour: comma-separated control models trained independently of A, like B (2 or more; with B's tokenizer)")
    .option("--probes <file>", "with --behaviour: probe texts, one per line (JSON strings allowed), instead of the built-in set")
    .option("--registry <file>", "with --behaviour and no --controls: choose the controls among this registry's behavioural fingerprints (register --behaviour), or postgres:// URL")
    .option("--rotation", "for models wider than 1024, fit the full d x d rotation (orthogonal Procrustes, slow: d³ per sweep) instead of its rows on a sketch of 256 coordinates")
    .action(async (pathA: string, pathB: string, opts: Opts) => {
      const sample = opts.sample === undefined ? undefined : Number(opts.sample);
      if (sample !== undefined && (!Number.isInteger(sample) || sample < 8 || sample > 100000)) throw new UsageError("--sample must be an integer from 8 to 100000");
      const command = ["pedigree", "compare", pathA, pathB, ...(opts.with ? ["--with", ...opts.with] : []), ...(sample ? ["--sample", String(sample)] : []), ...(opts.rotation ? ["--rotation"] : [])].join(" ");
      if ((opts.controls || opts.probes || opts.registry) && !opts.behaviour) throw new UsageError("--controls, --probes and --registry go with --behaviour");
      const controlPaths = opts.controls ? opts.controls.split(",").filter((c) => c !== "") : [];
      if (opts.behaviour && controlPaths.length === 0 && !opts.registry) throw new UsageError("--behaviour needs --controls C1,C2,... (models trained independently of A, like B) or --registry to choose them from");
      if (controlPaths.length > 0 && opts.registry) throw new UsageError("give --controls or --registry, not both");
      const probes = opts.probes ? readProbes(opts.probes) : undefined;
      const bar = stagedProgress("compare", opts.behaviour ? [...STAGES, { name: "forward passes", unit: "probe texts" }] : STAGES, { json: opts.json });
      try {
        const { document: doc } = await compare({ a: pathA, b: pathB, with: opts.with, sample, rotation: opts.rotation, behaviour: opts.behaviour ? { controls: controlPaths, probes, registry: opts.registry } : undefined, command: command + (opts.behaviour ? ` --behaviour ${opts.registry ? `--registry ${opts.registry}` : `--controls ${controlPaths.join(",")}`}${opts.probes ? ` --probes ${opts.probes}` : ""}` : ""), onProgress: (e) => bar.update(e.stage, e.done, e.total) });
        bar.stop();
        if (opts.html) {
          const html = compareHtml(doc);
          writeAtomically(opts.html, (f) => f.write(Buffer.from(html)));
          process.stderr.write(`wrote the HTML report to ${escapeControls(opts.html)}\n`);
        }
        if (opts.json) printJson(doc);
        else printText(compareText(doc, textWidth()) + (doc.behaviour ? `${behaviourText(doc.behaviour).join("\n")}\n` : ""));
      } finally {
        bar.stop();
      }
      process.exitCode = EXIT.clean;
    });
}
