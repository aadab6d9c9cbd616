/**
 * @module cli/commands/recipients
 * `pedigree recipients <model>`: the marked copies of a model issued so far.
 */
import type { Command } from "commander";
import { recipients } from "../../api/trace.js";
import { escapeControls } from "../../errors.js";
import { recipientsDocument } from "../../report/documents.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printText } from "../output.js";
import { REGISTRY_OPTION_HELP } from "./register.js";

export function registerRecipients(program: Command): void {
  program
    .command("recipients")
    .description("list the marked copies of a model issued to recipients")
    .argument("<model>", "the registered name")
    .option("--registry <file>", REGISTRY_OPTION_HELP)
    .option("--json", "machine-readable output")
    .action(async (model: string, opts: { registry?: string; json?: boolean }) => {
      const r = await recipients({ model, registry: opts.registry });
      const copies = r.recipients;
      if (opts.json) printJson(recipientsDocument(r.registry, r.model, r.recipients));
      else {
        const lines = [`${copies.length} marked cop${copies.length === 1 ? "y" : "ies"} of ${escapeControls(model)}`];
        for (const c of copies) lines.push(`  ${escapeControls(c.recipient).slice(0, 32).padEnd(32)} ${c.issuedAt.slice(0, 10)}  s=${c.strength}  key ${c.keySha256.slice(0, 12)}`);
        printText(lines.join("\n"));
      }
      process.exitCode = EXIT.clean;
    });
}
