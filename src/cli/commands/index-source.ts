/**
 * @module cli/commands/index-source
 * `pedigree index <folder|list-file|hub+http://...> --registry postgres://...`: enqueues a sweep
 * (each entry of a folder, each line of a list file, each model of a hub: one register job) and
 * prints its id and counts; --wait follows it until every entry has an outcome (a progress line on
 * a terminal); --sweep <id> shows (or, with --wait, follows) a sweep enqueued before.
 */
import { Option, type Command } from "commander";
import { escapeControls, q, UsageError } from "../../errors.js";
import { indexDocument } from "../../queue/documents.js";
import { indexSweep, type IndexSweep } from "../../queue/index-sweep.js";
import { postgresRegistry } from "../../queue/open-queue.js";
import type { SweepStatus } from "../../queue/sweeps.js";
import { TIERS, type Tier } from "../../registry/metadata.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printText } from "../output.js";
import { progress, type Progress } from "../progress.js";
import { withSignals } from "../signals.js";

interface Opts {
  registry?: string;
  sweep?: string;
  owner?: string;
  tier?: Tier;
  license?: string;
  jobTimeout?: string;
  wait?: boolean;
  json?: boolean;
}

function counts(s: SweepStatus): string {
  const listed = s.total === null ? "not listed yet" : `${s.total} ${s.total === 1 ? "entry" : "entries"}`;
  return `${listed}, ${s.done} done, ${s.failed} failed`;
}

function text(r: IndexSweep): string {
  const s = r.sweep;
  const state = s.error !== null ? `stopped: ${s.error}` : s.finishedAt !== null ? "finished" : "queued; 'pedigree worker' runs it";
  const lines = [`sweep ${s.id} of ${s.source}`, `  ${counts(s)}; ${state}`];
  for (const e of r.entries ?? []) if (e.outcome === "failed") lines.push(`  failed ${q(e.name)}: ${escapeControls(e.error ?? "")}`);
  return lines.join("\n");
}

export function registerIndex(program: Command): void {
  program
    .command("index")
    .description("enqueue a sweep registering every model of a folder, list or hub")
    .argument("[source]", "a folder (each entry a model), a list file or hub+http://host/")
    .option("--registry <url>", "the postgres:// registry (default: $PEDIGREE_REGISTRY)")
    .option("--sweep <id>", "show a sweep enqueued before instead of a new one")
    .option("--owner <owner>", "who owns the models (default: unknown)")
    .addOption(new Option("--tier <tier>", "how the weights are distributed (default: open)").choices(TIERS))
    .option("--license <id>", "licence id for models that claim none")
    .option("--job-timeout <seconds>", "seconds before a killed worker's job is retried", "900")
    .option("--wait", "follow the sweep until every entry has an outcome")
    .option("--json", "machine-readable output")
    .action(async (source: string | undefined, opts: Opts) => {
      postgresRegistry(opts.registry);
      const expireInSeconds = Number(opts.jobTimeout);
      if (!Number.isInteger(expireInSeconds) || expireInSeconds < 1 || expireInSeconds > 86_400) throw new UsageError("--job-timeout must be a whole number of seconds from 1 to 86400");
      let bar: Progress | undefined;
      const r = await withSignals((signal) => indexSweep({
        registry: opts.registry, source, sweepId: opts.sweep, owner: opts.owner, tier: opts.tier, license: opts.license, wait: opts.wait, signal,
        settings: { expireInSeconds },
        onStatus: (s) => {
          if (!opts.wait || s.total === null) return;
          (bar ??= progress(`index ${s.id.slice(0, 8)}`, Math.max(1, s.total), "models", { json: opts.json })).update(s.done + s.failed, s.total);
        },
      })).finally(() => bar?.stop());
      if (opts.json) printJson(indexDocument(r));
      else printText(text(r));
      process.exitCode = r.sweep.error !== null ? EXIT.error : EXIT.clean;
    });
}
