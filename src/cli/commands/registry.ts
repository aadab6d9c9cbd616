/**
 * @module cli/commands/registry
 * `pedigree registry copy <from> <to>`: copies a whole registry into an empty one, between a
 * SQLite file and a Postgres database either way (or file to file, database to database), losslessly
 * and all or nothing.
 */
import type { Command } from "commander";
import { copyRegistry } from "../../api/copy.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printText } from "../output.js";

export function registerRegistry(program: Command): void {
  const registry = program.command("registry").description("work on whole registries: copy one into another (a SQLite file or a postgres:// database)");
  registry
    .command("copy")
    .description("copy every model (records, fingerprints, index, issued copies) of one registry into an empty one")
    .argument("<from>", "the registry to read: a file or a postgres:// URL")
    .argument("<to>", "the empty registry to write: a file (created) or a postgres:// URL")
    .option("--json", "machine-readable output")
    .action(async (from: string, to: string, opts: { json?: boolean }) => {
      const r = await copyRegistry({ from, to });
      if (opts.json) printJson(r);
      else printText(`copied ${r.models} model${r.models === 1 ? "" : "s"} (${r.issuedCopies} issued cop${r.issuedCopies === 1 ? "y" : "ies"}) from ${r.from} to ${r.to}`);
      process.exitCode = EXIT.clean;
    });
}
