/**
 * @module cli/commands/list
 * `pedigree list`: the registered models, one line each (`--json`: every record).
 */
import type { Command } from "commander";
import { list } from "../../api/list.js";
import { listDocument } from "../../report/documents.js";
import { listText } from "../../report/registry-text.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printText } from "../output.js";
import { REGISTRY_OPTION_HELP } from "./register.js";

export function registerList(program: Command): void {
  program
    .command("list")
    .description("list the models in the registry")
    .option("--registry <file>", REGISTRY_OPTION_HELP)
    .option("--json", "machine-readable output")
    .action(async (opts: { registry?: string; json?: boolean }) => {
      const { registry: file, models } = await list({ registry: opts.registry });
      if (opts.json) printJson(listDocument(file, models));
      else printText(listText(models, file));
      process.exitCode = EXIT.clean;
    });
}
