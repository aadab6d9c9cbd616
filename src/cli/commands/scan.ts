/**
 * @module cli/commands/scan
 * `pedigree scan <model>`: fingerprint a suspect model, compare it with the registered models most
 * likely related, and report whose weights it carries and what follows (leak, gated
 * redistribution, base-model claims, licence obligations). Output as text, JSON, CycloneDX 1.6,
 * SPDX 3.0.1 or SARIF 2.1.0 (`-o`). Exit 1 when a finding matches --fail-on (default: the suspect
 * derives from a registered model, or a finding is at least low), else 0.
 */
import { Option, type Command } from "commander";
import { scan } from "../../api/scan.js";
import { scanExport } from "../../api/scan-export.js";
import { UsageError } from "../../errors.js";
import { writeAtomically } from "../../io/atomic-file.js";
import { DEFAULT_FAIL_ON, parseFailOn } from "../../policy/fail-on.js";
import { SEVERITIES } from "../../policy/findings/index.js";
import { FINDING_IDS } from "../../policy/report-input.js";
import { scanText } from "../../report/scan-text.js";
import { DEFAULT_CANDIDATES } from "../../scan/select.js";
import { EXIT } from "../exit-codes.js";
import { printText, toJson, textWidth } from "../output.js";
import { stagedProgress } from "../progress.js";
import { REGISTRY_OPTION_HELP } from "./register.js";

const FORMATS = ["text", "table", "json", "cyclonedx", "spdx", "sarif", "report-input"] as const;
type Format = (typeof FORMATS)[number];

interface Opts {
  registry?: string;
  json?: boolean;
  output?: Format;
  out?: string;
  failOn: string;
  publisher?: string;
  candidates: string;
  deep: string;
  master?: string;
  keyFile?: string;
  behaviour?: boolean;
}

function count(v: string, what: string, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new UsageError(`${what} must be an integer from 0 to ${max}`);
  return n;
}

export function registerScan(program: Command): void {
  program
    .command("scan")
    .description("find which registered models a suspect model's weights come from, and what follows (leaks, base claims, licence terms)")
    .argument("<model>", "the suspect: a weight file (safetensors, GGUF, PyTorch, llama2.c) or a model folder")
    .option("--registry <file>", REGISTRY_OPTION_HELP)
    .addOption(new Option("-o, --output <format>", "report format: a table for people (text), json, or a bill of materials / findings log").choices(FORMATS))
    .option("--json", "same as -o json (docs/json.md)")
    .option("--out <file>", "write the report to this file instead of stdout")
    .option("--fail-on <list>", `exit 1 when a finding matches: finding ids (${FINDING_IDS.join(", ")}) and/or a severity (${SEVERITIES.join(", ")}) and above, comma-separated; "never" to always exit 0`, DEFAULT_FAIL_ON)
    .option("--publisher <name>", "who publishes the suspect (default: the author it declares); a registered recipient of a gated model may hold its weights")
    .option("--candidates <n>", "registered models taken from the index for comparison", String(DEFAULT_CANDIDATES))
    .option("--deep <n>", "candidates also compared against the suspect's full weights when fingerprints do not settle it", "3")
    .option("--master <path>", "with --key-file: the unmarked weights of the gated/closed model, to name whose marked copy leaked")
    .option("--key-file <file>", "with --master: the secret the issued copies were marked with (pedigree mark)")
    .option("--behaviour", "also test whether it was trained on a registered model's outputs (its forward passes against fingerprints stored by register --behaviour)")
    .action(async (path: string, opts: Opts) => {
      if (opts.json && opts.output && opts.output !== "json") throw new UsageError("--json and -o disagree: give one");
      const format: Format = opts.json ? "json" : (opts.output ?? "text");
      const failOn = parseFailOn(opts.failOn);
      const candidates = count(opts.candidates, "--candidates", 10000);
      const deep = count(opts.deep, "--deep", 10000);
      if (!opts.master !== !opts.keyFile) throw new UsageError("--master and --key-file go together");
      // under -o json, cyclonedx, ... (machine output) no progress either
      const bar = stagedProgress("scan", [{ name: "fingerprint", unit: "layers" }, { name: "compare", unit: "models" }, ...(opts.behaviour ? [{ name: "forward passes", unit: "probes" }] : [])], { json: format !== "text" && format !== "table" });
      let outcome;
      try {
        outcome = await scan({
          model: path, registry: opts.registry, failOn, publisher: opts.publisher, candidates, deep, behaviour: opts.behaviour,
          trace: opts.master && opts.keyFile ? { master: opts.master, key: { file: opts.keyFile } } : undefined,
          onProgress: ({ stage, done: d, total: t }) => bar.update(stage, d, t),
        });
      } finally {
        bar.stop();
      }
      const out = format === "text" || format === "table" ? scanText(outcome.document, textWidth()) : toJson(scanExport(outcome, format));
      if (opts.out) writeAtomically(opts.out, (f) => f.write(Buffer.from(out.endsWith("\n") ? out : `${out}\n`)));
      else printText(out);
      process.exitCode = outcome.failing.length > 0 ? EXIT.findings : EXIT.clean;
    });
}
