/**
 * @module cli/commands/trace
 * `pedigree trace <suspect> --model <name> --master <path> --key-file <secret>`: which recipient's
 * marked copy a suspect model comes from. Exit 1 when a recipient is named, 0 when none, 2 on error.
 */
import type { Command } from "commander";
import { readKeyFile } from "../../mark/keys.js";
import { withRegistry } from "../../registry/open.js";
import { traceIssued } from "../../trace/trace-issued.js";
import { traceText } from "../../trace/trace-text.js";
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
    .addHelpText("after", "\nExample:\n  pedigree trace leak.gguf --model acme-7b --master acme-7b/ --key-file k.bin\n\nExit: 1 a recipient is named, 0 none, 2 error.\n")
    .action(async (suspect: string, opts: Opts) => {
      const key = readKeyFile(opts.keyFile);
      const r = await withRegistry(opts.registry, { create: false }, (db) => traceIssued(db, { suspect, master: opts.master, model: opts.model, key }));
      if (opts.json) printJson({ schema: "pedigree.trace/1", suspect, ...r });
      else printText(traceText(r, suspect));
      process.exitCode = r.named.length > 0 ? EXIT.findings : EXIT.clean;
    });
}
