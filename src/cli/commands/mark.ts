/**
 * @module cli/commands/mark
 * `pedigree mark <master> --model <name> --recipient <id> --key-file <secret> --out <path>`: a copy
 * of a registered gated or closed model carrying the recipient's mark, recorded in the registry.
 * `-o <path>` is the old spelling of --out (deprecated: -o names an output format elsewhere).
 */
import { Option, type Command } from "commander";
import { mark } from "../../api/mark.js";
import { UsageError } from "../../errors.js";
import { DEFAULT_STRENGTH } from "../../mark/mark.js";
import { markDocument } from "../../report/documents.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printText } from "../output.js";
import { deprecated } from "../out-option.js";
import { REGISTRY_OPTION_HELP } from "./register.js";

interface Opts {
  model: string;
  recipient: string;
  keyFile: string;
  out?: string;
  o?: string;
  strength?: string;
  dtype?: string;
  force?: boolean;
  registry?: string;
  json?: boolean;
}

export function registerMark(program: Command): void {
  program
    .command("mark")
    .description("write a copy of a gated or closed model marked for one recipient")
    .argument("<master>", "the unmarked weights (any format pedigree reads)")
    .requiredOption("--model <name>", "the master's registered name")
    .requiredOption("--recipient <id>", "who receives this copy")
    .requiredOption("--key-file <file>", "the secret the marks derive from (16+ bytes; keep it private)")
    .option("--out <path>", "the copy: a folder (safetensors), .gguf or .bin (required)")
    .addOption(new Option("-o <path>", "deprecated spelling of --out").hideHelp())
    .option("--strength <s>", `mark amplitude as a fraction of each row's RMS (default ${DEFAULT_STRENGTH})`)
    .option("--dtype <type>", "storage type of the copy (default: the master's)")
    .option("--force", "replace the output, and the recipient's earlier copy")
    .option("--registry <file>", REGISTRY_OPTION_HELP)
    .option("--json", "machine-readable output")
    .action(async (master: string, opts: Opts) => {
      if (opts.o !== undefined && opts.out !== undefined) throw new UsageError("-o is the old spelling of --out: give one");
      if (opts.o !== undefined) deprecated(`pedigree mark: '-o <path>' is deprecated, use '--out ${opts.o}' (-o names an output format elsewhere)`);
      const out = opts.out ?? opts.o;
      if (out === undefined) throw new UsageError("--out <path> is required: where to write the marked copy");
      const strength = opts.strength === undefined ? undefined : Number(opts.strength);
      if (strength !== undefined && !Number.isFinite(strength)) throw new UsageError(`--strength must be a number (got "${opts.strength}")`);
      const r = await mark({ master, model: opts.model, recipient: opts.recipient, key: { file: opts.keyFile }, out, strength, dtype: opts.dtype, force: opts.force, registry: opts.registry });
      if (opts.json) printJson(markDocument(r.registry, r.copy, r.written));
      else printText(`marked copy for ${r.copy.recipient}: ${r.written.out} (${r.written.dtype}, strength ${r.copy.strength}), recorded in ${r.registry}`);
      process.exitCode = EXIT.clean;
    });
}
