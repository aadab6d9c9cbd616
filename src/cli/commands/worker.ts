/**
 * @module cli/commands/worker
 * `pedigree worker --registry postgres://... [--concurrency n] [--until-idle]`: pulls jobs (index
 * sweeps, registrations, scans, compares) from the registry's queue and runs them. One line per job
 * on stderr; --until-idle exits 0 once nothing is left; SIGINT, SIGTERM or SIGHUP stop it: no new
 * job is taken, the running ones go back to the queue, exit 0.
 */
import type { Command } from "commander";
import { escapeControls } from "../../errors.js";
import { workerDocument } from "../../queue/documents.js";
import { postgresRegistry } from "../../queue/open-queue.js";
import { runWorker, type WorkerEvent } from "../../queue/worker.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printText } from "../output.js";
import { withSignals } from "../signals.js";

interface Opts {
  registry?: string;
  concurrency: string;
  untilIdle?: boolean;
  json?: boolean;
}

function eventLine(e: WorkerEvent): string {
  switch (e.type) {
    case "started": return `worker on ${e.registry}, ${e.concurrency} at a time`;
    case "job": return `${e.kind} ${e.ok ? "done" : e.retried ? "failed, to be retried" : "failed"}: ${escapeControls(e.detail)}`;
    case "unavailable": return `registry unreachable, retrying: ${escapeControls(e.error)}`;
    case "reconnected": return "registry reachable again";
  }
}

export function registerWorker(program: Command): void {
  program
    .command("worker")
    .description("run queued jobs from a Postgres registry: index sweeps, registrations, scans")
    .option("--registry <url>", "the postgres:// registry holding the queue (default: $PEDIGREE_REGISTRY)")
    .option("--concurrency <n>", "jobs at once in this process (run a worker per core)", "1")
    .option("--until-idle", "exit 0 once the queue is empty and no job is running")
    .option("--json", "machine-readable summary at the end, no job lines")
    .action(async (opts: Opts) => {
      postgresRegistry(opts.registry);
      const concurrency = Number(opts.concurrency);
      const summary = await withSignals((signal) => runWorker({
        registry: opts.registry, concurrency, untilIdle: opts.untilIdle, signal,
        onEvent: opts.json ? undefined : (e) => process.stderr.write(`pedigree worker: ${eventLine(e)}\n`),
      }));
      if (opts.json) printJson(workerDocument(summary));
      else printText(`${summary.jobs} jobs run, ${summary.failed} failed; stopped ${summary.stopped === "idle" ? "with the queue empty" : "by a signal"}`);
      process.exitCode = EXIT.clean;
    });
}
