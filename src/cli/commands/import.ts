/**
 * @module cli/commands/import
 * `pedigree import <file.jsonl> [--replace]`: adds the models of an export to the registry, all or
 * nothing; any bad line (named by number) leaves the registry unchanged. A name already registered
 * is refused unless --replace.
 */
import type { Command } from "commander";
import { resolve } from "node:path";
import { importRegistry } from "../../registry/import.js";
import { withRegistry } from "../../registry/open.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printText } from "../output.js";
import { REGISTRY_OPTION_HELP } from "./register.js";

export function registerImport(program: Command): void {
  program
    .command("import")
    .description("add the models of a registry export (JSON Lines) to the registry, all or nothing")
    .argument("<file>", "a file written by `pedigree export`")
    .option("--replace", "overwrite models whose names are already registered")
    .option("--registry <file>", REGISTRY_OPTION_HELP)
    .option("--json", "machine-readable output")
    .action(async (path: string, opts: { replace?: boolean; registry?: string; json?: boolean }) => {
      await withRegistry(opts.registry, {}, (db, file) => {
        const r = importRegistry(db, resolve(path), { replace: !!opts.replace });
        if (opts.json) printJson({ registry: file, ...r });
        else printText(`imported ${r.imported} model${r.imported === 1 ? "" : "s"}${r.replaced ? ` (${r.replaced} replaced)` : ""} into ${file}`);
      });
      process.exitCode = EXIT.clean;
    });
}
