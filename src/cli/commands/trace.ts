/**
 * @module cli/commands/trace
 * `pedigree trace <suspect> --model <name> --master <path> --key-file <secret>`: which recipient's
 * marked copy a suspect model comes from. Exit 1 when a recipient is named, 0 when none, 2 on error.
 */
import type { Command } from "commander";
import { trace } from "../../api/trace.js";
import { traceDocument } from "../../report/documents.js";
import { traceText } from "../../report/trace-text.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printText } from "../output.js";
import { REGISTRY_OPTION_HELP } from "./register.js";

interface Opts {
  model: string;
  master: string;
  keyFile: string;
  registry?: string;
  json?: boolean;
}

export function registerTrace(program: Command): void {
  program
    .command("trace")
    .description("name the recipient whose marked copy a suspect model was made from")
    .argument("<suspect>", "the suspect weights (any format pedigree reads)")
    .requiredOption("--model <name>", "the registered model whose copies were issued")
    .requiredOption("--master <path>", "the unmarked weights")
    .requiredOption("--key-file <file>", "the secret the marks were made with")
    .option("--registry <file>", REGISTRY_OPTION_HELP)
    .option("--json", "machine-readable output")
    .addHelpText("after", "\nExit: 1 a recipient is named, 0 none, 2 error.\n")
    .action(async (suspect: string, opts: Opts) => {
      const r = await trace({ suspect, master: opts.master, model: opts.model, key: { file: opts.keyFile }, registry: opts.registry });
      if (opts.json) printJson(traceDocument(suspect, r));
      else printText(traceText(r, suspect));
      process.exitCode = r.named.length > 0 ? EXIT.findings : EXIT.clean;
    });
}
