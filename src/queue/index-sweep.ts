/**
 * @module queue/index-sweep
 * `pedigree index` as a library function: enqueue a sweep of a source (or follow one already
 * enqueued, by id) on a Postgres registry and, with `wait`, follow it until every entry has an
 * outcome; the workers (worker.ts) do the work.
 */
import { PedigreeError } from "../errors.js";
import type { Tier } from "../registry/metadata.js";
import { enqueueSweep } from "./enqueue.js";
import { openQueue } from "./open-queue.js";
import type { QueueSettings } from "./settings.js";
import { sweepEntries, sweepStatus, type EntryOutcome, type SweepStatus } from "./sweeps.js";
import { watchSweep } from "./watch-sweep.js";

export interface IndexSweepOptions {
  registry?: string;
  /** A folder, a list file or hub+http(s)://...; or leave it out and give `sweepId`. */
  source?: string;
  sweepId?: string;
  owner?: string;
  tier?: Tier;
  license?: string;
  wait?: boolean;
  /** Retry settings of the sweep's jobs (expireInSeconds, retryLimit, retryDelaySeconds). */
  settings?: Partial<QueueSettings>;
  signal?: AbortSignal;
  onStatus?: (s: SweepStatus) => void;
  /** Milliseconds between looks at a sweep followed with `wait` (default 1000). */
  intervalMs?: number;
}

export interface IndexSweep {
  registry: string;
  sweep: SweepStatus;
  /** Every entry's outcome, once the sweep is finished. */
  entries?: EntryOutcome[];
}

export async function indexSweep(opts: IndexSweepOptions): Promise<IndexSweep> {
  const queue = await openQueue(opts.registry, { settings: opts.settings });
  try {
    let sweep: SweepStatus | undefined;
    if (opts.sweepId !== undefined) sweep = await sweepStatus(queue.pool, opts.sweepId);
    else if (opts.source !== undefined) sweep = await enqueueSweep(queue, opts.source, { owner: opts.owner ?? "unknown", tier: opts.tier ?? "open", license: opts.license });
    else throw new PedigreeError("usage", "give a source to index, or --sweep <id>");
    if (!sweep) throw new PedigreeError("not-found", `no sweep ${opts.sweepId} in the registry`, queue.name);
    opts.onStatus?.(sweep);
    if (opts.wait && sweep.finishedAt === null) sweep = await watchSweep(queue.pool, sweep.id, { signal: opts.signal, intervalMs: opts.intervalMs, onStatus: opts.onStatus });
    const entries = sweep.finishedAt !== null ? await sweepEntries(queue.pool, sweep.id) : undefined;
    return { registry: queue.name, sweep, entries };
  } finally {
    await queue.close();
  }
}
