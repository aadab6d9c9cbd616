/**
 * @module cli/commands/scan
 * `pedigree scan <model>`: fingerprint a suspect model, compare it with the registered models most
 * likely related, and report whose weights it carries and what follows (leak, gated
 * redistribution, base-model claims, licence obligations). Output as text, JSON, CycloneDX 1.6,
 * SPDX 3.0.1 or SARIF 2.1.0 (`-o`). Exit 1 when a finding matches --fail-on (default: the suspect
 * derives from a registered model, or a finding is at least low), else 0.
 */
import { Option, type Command } from "commander";
import { UsageError } from "../../errors.js";
import { writeAtomically } from "../../io/atomic-file.js";
import { loadModel } from "../../load-model.js";
import { readKeyFile } from "../../mark/keys.js";
import { DEFAULT_FAIL_ON, failing, parseFailOn } from "../../policy/fail-on.js";
import { scanFindings, SEVERITIES } from "../../policy/findings/index.js";
import { reportInputOfScan } from "../../policy/report-input-of-scan.js";
import { FINDING_IDS } from "../../policy/report-input.js";
import { suspectFacts } from "../../policy/suspect.js";
import { withRegistry } from "../../registry/open.js";
import { count as countModels } from "../../registry/store.js";
import { cyclonedxBom } from "../../report/bom/cyclonedx.js";
import { reportInputDocument } from "../../report/bom/json.js";
import { sarifLog } from "../../report/bom/sarif.js";
import { spdxDocument } from "../../report/bom/spdx.js";
import { scanDocument } from "../../report/scan-document.js";
import { scanText } from "../../report/scan-text.js";
import { scanModel } from "../../scan/scan.js";
import { DEFAULT_CANDIDATES, DEFAULT_EXHAUSTIVE_UP_TO } from "../../scan/select.js";
import { traceMatches } from "../../trace/scan-trace.js";
import { EXIT } from "../exit-codes.js";
import { printText, toJson } from "../output.js";
import { progress } from "../progress.js";
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
    .action(async (path: string, opts: Opts) => {
      if (opts.json && opts.output && opts.output !== "json") throw new UsageError("--json and -o disagree: give one");
      const format: Format = opts.json ? "json" : (opts.output ?? "text");
      const failOn = parseFailOn(opts.failOn);
      const candidates = count(opts.candidates, "--candidates", 10000);
      const deep = count(opts.deep, "--deep", 10000);
      if (!opts.master !== !opts.keyFile) throw new UsageError("--master and --key-file go together");
      const key = opts.keyFile ? readKeyFile(opts.keyFile) : null;
      let exitCode: number = EXIT.clean;
      await withRegistry(opts.registry, { create: false }, (db, file) => {
        if (countModels(db) === 0) throw new UsageError(`no models are registered in ${file}: add the models to look for with \`pedigree register\``);
        const model = loadModel(path);
        const bar = progress("scanning", Math.max(1, model.params.nLayers));
        let out: string;
        try {
          const scan = scanModel(db, model, {
            candidates, deep, exhaustiveUpTo: DEFAULT_EXHAUSTIVE_UP_TO,
            onStage: (stage, d, t) => bar.update(stage === "fingerprint" ? d : model.params.nLayers + d, model.params.nLayers + (stage === "compare" ? t : 0)),
          });
          bar.stop();
          const facts = suspectFacts(model, opts.publisher);
          const traced = key && opts.master ? traceMatches(db, model, scan.matches, opts.master, key) : undefined;
          const findings = scanFindings(facts, scan, traced);
          exitCode = failing(findings, failOn).length > 0 ? EXIT.findings : EXIT.clean;
          const input = () => reportInputOfScan(facts, scan, findings);
          switch (format) {
            case "text":
            case "table": out = scanText(scanDocument(facts, scan, findings, exitCode)); break;
            case "json": out = toJson(scanDocument(facts, scan, findings, exitCode)); break;
            case "cyclonedx": out = toJson(cyclonedxBom(input())); break;
            case "spdx": out = toJson(spdxDocument(input())); break;
            case "sarif": out = toJson(sarifLog(input())); break;
            case "report-input": out = toJson(reportInputDocument(input())); break;
          }
        } finally {
          bar.stop();
          model.close();
        }
        if (opts.out) writeAtomically(opts.out, (f) => f.write(Buffer.from(out.endsWith("\n") ? out : `${out}\n`)));
        else printText(out);
      });
      process.exitCode = exitCode;
    });
}
