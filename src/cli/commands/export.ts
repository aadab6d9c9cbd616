/**
 * @module cli/commands/export
 * `pedigree export [--out file.jsonl]`: the whole registry as JSON Lines (a header line, then one
 * line per model with its fingerprint parts in base64), to stdout or to a file. A file is written
 * beside its final name and renamed into place, so it is never seen half-written. `-o` names the
 * output format, as in every command (`jsonl`, the only one); `-o <file>` is the old spelling of
 * `--out <file>`, kept for a release with a deprecation line on stderr.
 */
import type { Command } from "commander";
import { exportRegistry } from "../../api/export.js";
import { UsageError } from "../../errors.js";
import { exportDocument } from "../../report/documents.js";
import { EXIT } from "../exit-codes.js";
import { printJson } from "../output.js";
import { outputPath } from "../out-option.js";
import { REGISTRY_OPTION_HELP } from "./register.js";

const FORMATS = ["jsonl"] as const;

/** One line to stdout, waiting for it to drain when its buffer is full. */
async function toStdout(line: string): Promise<void> {
  if (!process.stdout.write(`${line}\n`)) await new Promise<void>((ok) => process.stdout.once("drain", ok));
}

export function registerExport(program: Command): void {
  program
    .command("export")
    .description("write the registry as JSON Lines (metadata and fingerprints), for backup or transfer")
    .option("--out <file>", "write to this file instead of stdout")
    .option("-o, --output <format>", "output format: jsonl (the only one; -o <file> is deprecated: use --out)")
    .option("--registry <file>", REGISTRY_OPTION_HELP)
    .option("--json", "with --out: print what was written as JSON (stdout is the JSON Lines otherwise)")
    .action(async (opts: { out?: string; output?: string; registry?: string; json?: boolean }) => {
      const out = outputPath({ format: opts.output, out: opts.out, formats: FORMATS, command: "export" });
      if (out.format !== undefined && !(FORMATS as readonly string[]).includes(out.format)) throw new UsageError(`-o: unknown format "${out.format}" (${FORMATS.join(", ")})`);
      if (out.path) {
        const r = await exportRegistry({ registry: opts.registry, out: out.path });
        if (opts.json) printJson(exportDocument(r.registry, r.out ?? out.path, r.models));
        else process.stderr.write(`exported ${r.models} model${r.models === 1 ? "" : "s"} from ${r.registry} to ${r.out}\n`);
      } else {
        await exportRegistry({ registry: opts.registry, write: toStdout });
      }
      process.exitCode = EXIT.clean;
    });
}
