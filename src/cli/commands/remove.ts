/**
 * @module cli/commands/remove
 * `pedigree remove <name>`: deletes a model, its fingerprint and its index entries (one
 * transaction).
 */
import type { Command } from "commander";
import { q } from "../../errors.js";
import { remove } from "../../api/remove.js";
import { removeDocument } from "../../report/documents.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printText } from "../output.js";
import { REGISTRY_OPTION_HELP } from "./register.js";

export function registerRemove(program: Command): void {
  program
    .command("remove")
    .description("remove a model from the registry")
    .argument("<name>", "the name it was registered under")
    .option("--registry <file>", REGISTRY_OPTION_HELP)
    .option("--json", "machine-readable output")
    .action(async (name: string, opts: { registry?: string; json?: boolean }) => {
      const { registry: file, removed: r } = await remove({ name, registry: opts.registry });
      if (opts.json) printJson(removeDocument(file, r));
      else printText(`removed ${q(r.name)} (id ${r.id}) from ${file}`);
      process.exitCode = EXIT.clean;
    });
}
