/**
 * @module cli/commands/register
 * `pedigree register <path> --name <n> --owner <o> --tier open|gated|closed --license <id>`: loads
 * the model, computes its fingerprint (a progress bar per layer) and stores it in the registry with
 * what the registrant declares. Anything that is not a model, a name already taken, or bad metadata
 * exits 2 with the registry unchanged.
 */
import { Option, type Command } from "commander";
import { register } from "../../api/register.js";
import { q } from "../../errors.js";
import { TIERS, type ModelMeta, type Tier } from "../../registry/metadata.js";
import { registerDocument } from "../../report/documents.js";
import { kb } from "../../report/registry-text.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printText } from "../output.js";
import { progress, stagedProgress } from "../progress.js";

interface Opts {
  name: string;
  owner: string;
  tier: Tier;
  license: string;
  declaredBase?: string;
  released?: string;
  recipient: string[];
  notes?: string;
  registry?: string;
  json?: boolean;
  behaviour?: boolean;
}

export const REGISTRY_OPTION_HELP = "registry file or postgres:// URL (default: $PEDIGREE_REGISTRY, else $XDG_DATA_HOME/pedigree/registry.db or ~/.local/share/pedigree/registry.db)";

export function registerRegister(program: Command): void {
  program
    .command("register")
    .description("fingerprint a model and add it to the registry of known models")
    .argument("<path>", "a weight file (safetensors, GGUF, PyTorch, llama2.c) or a model folder")
    .requiredOption("--name <name>", "the name it is registered under (unique)")
    .requiredOption("--owner <owner>", "who owns the model")
    .addOption(new Option("--tier <tier>", "how the weights are distributed").choices(TIERS).makeOptionMandatory())
    .requiredOption("--license <id>", "licence id (apache-2.0, mit, llama3.1, gemma, other, ...)")
    .option("--declared-base <name>", "the model its owner says it was built from")
    .option("--released <YYYY-MM-DD>", "release date")
    .option("--recipient <who>", "gated models: someone given the weights (repeatable)", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option("--notes <text>", "free-text notes")
    .option("--registry <file>", REGISTRY_OPTION_HELP)
    .option("--behaviour", "also store its behavioural fingerprint (forward passes on the built-in probes; llama-family with a tokenizer), for scan --behaviour")
    .option("--json", "machine-readable output")
    .action(async (path: string, opts: Opts) => {
      const meta: ModelMeta = {
        name: opts.name, owner: opts.owner, tier: opts.tier, license: opts.license, declaredBase: opts.declaredBase, released: opts.released,
        recipients: opts.tier === "gated" || opts.recipient.length > 0 ? opts.recipient : undefined, notes: opts.notes,
      };
      let bar: ReturnType<typeof progress> | undefined;
      const staged = opts.behaviour ? stagedProgress("register", [{ name: "fingerprint", unit: "layers" }, { name: "forward passes", unit: "probes" }], { json: opts.json }) : undefined;
      let done;
      try {
        done = await register({
          model: path, meta, registry: opts.registry, behaviour: opts.behaviour,
          onProgress: (e) => (staged ? staged.update(e.stage, e.done, e.total) : (bar ??= progress("fingerprinting", Math.max(1, e.total), "layers", { json: opts.json })).update(e.done, e.total)),
        });
      } finally {
        bar?.stop();
        staged?.stop();
      }
      const { registry: file, entry } = done;
      if (opts.json) printJson(registerDocument(file, entry));
      else {
        printText(`registered ${q(entry.name)} (id ${entry.id}) in ${file}: ${entry.summary.architecture} ${entry.summary.format}, ${entry.summary.params.nLayers} layers, fingerprint ${kb(entry.fingerprintBytes)} in ${entry.partCount} parts, ${entry.postingCount} index keys`);
      }
      process.exitCode = EXIT.clean;
    });
}
