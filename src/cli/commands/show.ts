/**
 * @module cli/commands/show
 * `pedigree show <name>`: one registered model — what its registrant declared, what its files
 * declare, its shape and files, and its fingerprint's parts.
 */
import type { Command } from "commander";
import { show } from "../../api/show.js";
import { showDocument } from "../../report/documents.js";
import { showText } from "../../report/registry-text.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printText } from "../output.js";
import { REGISTRY_OPTION_HELP } from "./register.js";

export function registerShow(program: Command): void {
  program
    .command("show")
    .description("show one registered model")
    .argument("<name>", "the name it was registered under")
    .option("--registry <file>", REGISTRY_OPTION_HELP)
    .option("--json", "machine-readable output")
    .action(async (name: string, opts: { registry?: string; json?: boolean }) => {
      const shown = await show({ name, registry: opts.registry });
      if (opts.json) printJson(showDocument(shown.registry, shown));
      else printText(showText(shown));
      process.exitCode = EXIT.clean;
    });
}
