/**
 * @module cli/commands/show
 * `pedigree show <name>`: one registered model — what its registrant declared, what its files
 * declare, its shape and files, and its fingerprint's parts.
 */
import type { Command } from "commander";
import { PedigreeError, q } from "../../errors.js";
import { withRegistry } from "../../registry/open.js";
import { get } from "../../registry/store.js";
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
      await withRegistry(opts.registry, { create: false }, (db, file) => {
        const e = get(db, name);
        if (!e) throw new PedigreeError("not-found", `no model named ${q(name)} in the registry`, file);
        if (opts.json) printJson({ registry: file, ...e });
        else printText(showText(e));
      });
      process.exitCode = EXIT.clean;
    });
}
