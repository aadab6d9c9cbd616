/**
 * @module cli/commands/import
 * `pedigree import <file.jsonl> [--replace]`: adds the models of an export to the registry, all or
 * nothing; any bad line (named by number) leaves the registry unchanged. A name already registered
 * is refused unless --replace. The file is read line by line (memory holds one line, whatever its
 * size), with progress in MB read on a terminal.
 */
import type { Command } from "commander";
import { importRegistry } from "../../api/import.js";
import { importDocument } from "../../report/documents.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printText } from "../output.js";
import { progress, type Progress } from "../progress.js";
import { REGISTRY_OPTION_HELP } from "./register.js";

export function registerImport(program: Command): void {
  program
    .command("import")
    .description("add the models of a registry export (JSON Lines) to the registry, all or nothing")
    .argument("<file>", "a file written by `pedigree export`, or - to read standard input")
    .option("--replace", "overwrite models whose names are already registered")
    .option("--registry <file>", REGISTRY_OPTION_HELP)
    .option("--json", "machine-readable output")
    .action(async (path: string, opts: { replace?: boolean; registry?: string; json?: boolean }) => {
      // progress in MB of the file read (not for standard input, whose size is unknown)
      let bar: Progress | undefined;
      let r;
      try {
        r = await importRegistry({
          file: path, replace: !!opts.replace, registry: opts.registry,
          onProgress: (e) => {
            if (path === "-") return;
            (bar ??= progress("importing", e.total / 1e6, "MB", { json: opts.json })).update(e.done / 1e6, e.total / 1e6);
          },
        });
      } finally {
        bar?.stop();
      }
      if (opts.json) printJson(importDocument(r.registry, r));
      else printText(`imported ${r.imported} model${r.imported === 1 ? "" : "s"}${r.replaced ? ` (${r.replaced} replaced)` : ""} into ${r.registry}`);
      process.exitCode = EXIT.clean;
    });
}
