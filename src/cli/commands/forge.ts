/**
 * @module cli/commands/forge
 * `pedigree forge <model> --steps "<step>,<step>,..." --out <path>`: make the derivatives the world
 * makes — fine-tunes, LoRA merges, quantizations, permuted / scaled / rotated copies, renamed and
 * converted files, dropped, stacked or reordered layers, pruned MLPs, edited vocabularies, MoE
 * upcycles, transplants and merges — with their exact ground truth in forge.json. `--synthesize`
 * makes a new randomly initialised model instead (streamed: a 7B-shaped model never sits in memory).
 */
import { Option, type Command } from "commander";
import { forge, type ForgeOptions, type ForgeResult } from "../../api/forge.js";
import { UsageError } from "../../errors.js";
import type { OutputFormat } from "../../formats/export/write-model.js";
import { stepHelp } from "../../forge/parse-steps.js";
import type { SynthesizeSpec } from "../../forge/synthesize.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printText } from "../output.js";
import { progress } from "../progress.js";
import { withSignals } from "../signals.js";
import { outputPath } from "../out-option.js";

/** -o values that are formats; any other -o value is the deprecated spelling of --out. */
const FORMAT_NAMES = ["hf", "safetensors", "gguf", "llama2c", "llama2.c"] as const;

interface Opts {
  steps?: string;
  out?: string;
  output?: string;
  synthesize?: string;
  dim?: string;
  layers?: string;
  ffn?: string;
  heads?: string;
  kvHeads?: string;
  vocab?: string;
  experts?: string;
  ctx?: string;
  tied?: boolean;
  seed: string;
  dtype?: string;
  format?: string;
  name?: string;
  declareBase?: string[];
  license?: string;
  maxShard?: string;
  force?: boolean;
  json?: boolean;
}

function int(v: string | undefined, flag: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v.trim())) throw new UsageError(`${flag} must be a positive integer (got "${v}")`);
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`${flag} must be a positive integer (got "${v}")`);
  return n;
}

/** "5GB", "500MB", "2e9" -> bytes. */
function size(v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|tb|kib|mib|gib|tib)?$/i.exec(v.trim());
  if (!m) throw new UsageError(`--max-shard: "${v}" is not a size (e.g. 5GB, 500MB)`);
  const unit = (m[2] ?? "b").toLowerCase();
  const mult: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4 };
  const bytes = Math.floor(Number(m[1]) * (mult[unit] as number));
  if (bytes < 1) throw new UsageError("--max-shard must be at least one byte");
  return bytes;
}

function synthesizeSpec(o: Opts): SynthesizeSpec | undefined {
  const dimsGiven = ["dim", "layers", "ffn", "heads", "kvHeads", "vocab", "experts", "ctx"].filter((k) => o[k as keyof Opts] !== undefined);
  if (!o.synthesize) {
    if (dimsGiven.length || o.tied) throw new UsageError(`--${(dimsGiven[0] ?? "tied").replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} shapes a synthesized model: use it with --synthesize <family>`);
    return undefined;
  }
  const family = o.synthesize.toLowerCase();
  if (family !== "llama" && family !== "mixtral") throw new UsageError(`--synthesize: unknown family "${o.synthesize}" (llama, mixtral)`);
  if (family === "llama" && o.experts !== undefined) throw new UsageError("--experts gives a mixture of experts its expert count: use --synthesize mixtral (or a moe-upcycle step)");
  const heads = int(o.heads, "--heads", 8);
  return {
    family, dim: int(o.dim, "--dim", 256), layers: int(o.layers, "--layers", 4), ffn: int(o.ffn, "--ffn", 688), heads,
    kvHeads: int(o.kvHeads, "--kv-heads", heads), vocab: int(o.vocab, "--vocab", 32000), ctx: int(o.ctx, "--ctx", 2048),
    experts: family === "mixtral" ? int(o.experts, "--experts", 8) : undefined, tied: !!o.tied, seed: 0, name: o.name,
  };
}

function humanBytes(n: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(v >= 100 || u === 0 ? 0 : 1)} ${units[u]}`;
}

function summary(r: ForgeResult): string {
  const rec = r.record as { truth: { relation: string; chain: string[] }; parents: Array<{ id: string; path: string; relation: string }> };
  const lines = [`forged ${r.out} (${r.format}, ${r.dtype}, ${humanBytes(r.bytes)} in ${r.files.length} file${r.files.length === 1 ? "" : "s"}) in ${r.seconds.toFixed(1)} s`];
  lines.push(`  relation: ${rec.truth.relation}${rec.truth.chain.length ? ` (chain: ${rec.truth.chain.join(", ")})` : ""}`);
  for (const p of rec.parents) lines.push(`  ${p.id}: ${p.path} -> ${p.relation}`);
  lines.push(`  ground truth: ${r.recordPath}`);
  return lines.join("\n");
}

export function registerForge(program: Command): void {
  program
    .command("forge")
    .description("make a derivative (or a new random model) with exact ground truth")
    .argument("[model]", "the model to derive from: a weight file or a model folder")
    .option("-s, --steps <steps>", "steps joined by commas, e.g. permute,finetune-drift:0.1,quantize:Q4_K")
    .option("--out <path>", "where to write: a folder (safetensors), .gguf or .bin (required)")
    .option("-o, --output <format>", "output format: hf, gguf or llama2c (default: from --out)")
    .option("--synthesize <family>", "no input model: a new randomly initialised llama or mixtral model")
    .option("--dim <n>", "--synthesize: residual width (256)")
    .option("--layers <n>", "--synthesize: layers (4)")
    .option("--ffn <n>", "--synthesize: MLP width (688)")
    .option("--heads <n>", "--synthesize: attention heads (8)")
    .option("--kv-heads <n>", "--synthesize: key/value heads (= heads)")
    .option("--vocab <n>", "--synthesize: vocabulary size (32000)")
    .option("--experts <n>", "--synthesize mixtral: experts (8)")
    .option("--ctx <n>", "--synthesize: context length (2048)")
    .option("--tied", "--synthesize: tie the head to the embedding")
    .option("--seed <n>", "seed of every random choice", "1")
    .option("--dtype <type>", "storage type: F32, F16, BF16 (safetensors), any writable GGUF type (.gguf)")
    .addOption(new Option("--format <format>", "the old name of -o").hideHelp())
    .option("--name <name>", "the name the output declares")
    .option("--declare-base <name>", "a base model the output claims (repeatable; may be a lie)", (v: string, prev: string[] | undefined) => [...(prev ?? []), v])
    .option("--license <id>", "the licence the output declares")
    .option("--max-shard <size>", "safetensors: shard past this size (e.g. 5GB)")
    .option("--force", "replace an existing output")
    .option("--json", "print forge.json's content")
    .addHelpText("after", `\nSteps (joined by commas):\n${stepHelp().map((s) => `  ${s}`).join("\n")}\n`)
    .action(async (model: string | undefined, o: Opts) => {
      const synth = synthesizeSpec(o);
      if (!/^\d+$/.test(o.seed)) throw new UsageError(`--seed must be a non-negative integer (got "${o.seed}")`);
      // -o is the format (syft's convention); -o <path> is the old spelling of --out (deprecated)
      const chosen = outputPath({ format: o.output, out: o.out, formats: FORMAT_NAMES, command: "forge" });
      if (!chosen.path) throw new UsageError("--out <path> is required: where to write the derivative");
      if (chosen.format !== undefined && o.format !== undefined && chosen.format !== o.format.toLowerCase()) throw new UsageError("-o and --format disagree: give one");
      const given = chosen.format ?? o.format;
      let format: OutputFormat | undefined;
      if (given !== undefined) {
        const f = given.toLowerCase();
        format = f === "hf" || f === "safetensors" ? "hf" : f === "gguf" ? "gguf" : f === "llama2c" || f === "llama2.c" ? "llama2c" : undefined;
        if (!format) throw new UsageError(`-o: unknown format "${given}" (hf, gguf, llama2c)`);
      }
      const opts: ForgeOptions = {
        input: model, synthesize: synth, steps: o.steps, out: chosen.path, seed: Number(o.seed), dtype: o.dtype, format, name: o.name,
        declareBase: o.declareBase, license: o.license, maxShardBytes: o.maxShard ? size(o.maxShard) : undefined, force: !!o.force,
      };
      let bar: ReturnType<typeof progress> | undefined;
      let result: ForgeResult;
      try {
        // Ctrl-C (SIGINT), SIGTERM or SIGHUP stop the forge's worker and remove its partial files:
        // nothing appears under the output name, and the exit code is 128 + the signal's number
        result = await withSignals((signal) => forge({
          ...opts, signal,
          onProgress: ({ done, total }) => (bar ??= progress("forging", total, "values", { json: o.json })).update(done, total),
        }));
      } finally {
        bar?.stop();
      }
      if (o.json) printJson(result.record);
      else printText(summary(result));
      process.exitCode = EXIT.clean;
    });
}
