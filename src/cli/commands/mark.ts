/**
 * @module cli/commands/mark
 * `pedigree mark <master> --model <name> --recipient <id> --key-file <secret> -o <out>`: a copy of
 * a registered gated or closed model carrying the recipient's mark, recorded in the registry.
 */
import type { Command } from "commander";
import { mark } from "../../api/mark.js";
import { UsageError } from "../../errors.js";
import { DEFAULT_STRENGTH } from "../../mark/mark.js";
import { markDocument } from "../../report/documents.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printText } from "../output.js";
import { REGISTRY_OPTION_HELP } from "./register.js";

interface Opts {
  model: string;
  recipient: string;
  keyFile: string;
  out: string;
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
    .requiredOption("-o, --out <path>", "the copy: a folder (safetensors), .gguf or .bin (llama2.c)")
    .option("--strength <s>", `mark amplitude as a fraction of each row's RMS (default ${DEFAULT_STRENGTH})`)
    .option("--dtype <type>", "storage type of the copy (default: the master's)")
    .option("--force", "replace the output, and the recipient's earlier copy")
    .option("--registry <file>", REGISTRY_OPTION_HELP)
    .option("--json", "machine-readable output")
    .action(async (master: string, opts: Opts) => {
      const strength = opts.strength === undefined ? undefined : Number(opts.strength);
      if (strength !== undefined && !Number.isFinite(strength)) throw new UsageError(`--strength must be a number (got "${opts.strength}")`);
      const r = await mark({ master, model: opts.model, recipient: opts.recipient, key: { file: opts.keyFile }, out: opts.out, strength, dtype: opts.dtype, force: opts.force, registry: opts.registry });
      if (opts.json) printJson(markDocument(r.registry, r.copy, r.written));
      else printText(`marked copy for ${r.copy.recipient}: ${r.written.out} (${r.written.dtype}, strength ${r.copy.strength}), recorded in ${r.registry}`);
      process.exitCode = EXIT.clean;
    });
}
