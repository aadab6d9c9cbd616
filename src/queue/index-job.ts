/**
 * @module queue/index-job
 * An index job expands a sweep: it lists the sweep's source and, in one transaction with the sweep
 * row locked, stores every entry and enqueues one register job per entry (pg-boss writing into the
 * same transaction). A retried index job finds the sweep listed and does nothing, so no entry is
 * ever enqueued twice. Names listed twice keep their first entry. A source that cannot be listed
 * (missing, unreadable, a hub not wired in yet) ends the sweep with its error.
 */
import { failureText, isTransient } from "./transient.js";
import { queueOf, type IndexJobData, type RegisterJobData } from "./kinds.js";
import type { JobContext } from "./register-job.js";
import { sourceEntries } from "./source.js";
import type { SourceEntry } from "./source-entry.js";
import { failSweep, storeEntries, sweepStatus } from "./sweeps.js";
import { asBossDb, inTransaction } from "./transaction.js";

export interface IndexResult {
  sweepId: string;
  listed: number | null;
  error: string | null;
}

export async function runIndexJob(ctx: JobContext, data: IndexJobData): Promise<IndexResult> {
  const { pool, boss } = ctx.queue;
  const sweep = await sweepStatus(pool, data.sweepId);
  if (!sweep || sweep.total !== null || sweep.finishedAt !== null) return { sweepId: data.sweepId, listed: sweep?.total ?? null, error: sweep?.error ?? null };
  let entries: SourceEntry[];
  try {
    entries = await listed(sweep.source, ctx.signal);
  } catch (e) {
    if (isTransient(e) && !ctx.final) throw e;
    await failSweep(pool, data.sweepId, failureText(e));
    return { sweepId: data.sweepId, listed: null, error: failureText(e) };
  }
  const listedNow = await inTransaction(pool, async (c) => {
    const locked = await sweepStatus(c, data.sweepId, true);
    if (!locked || locked.total !== null) return false;
    await storeEntries(c, data.sweepId, entries);
    const jobs = entries.map((entry) => ({
      name: queueOf("register"),
      data: { sweepId: data.sweepId, entry, defaults: locked.defaults } satisfies RegisterJobData,
      ...data.jobs,
    }));
    for (let i = 0; i < jobs.length; i += 1000) await boss.insert(jobs.slice(i, i + 1000), { db: asBossDb(c) });
    return true;
  });
  return { sweepId: data.sweepId, listed: listedNow ? entries.length : null, error: null };
}

/** The source's entries, the first of each name. */
async function listed(source: string, signal: AbortSignal): Promise<SourceEntry[]> {
  const byName = new Map<string, SourceEntry>();
  for await (const e of sourceEntries(source, signal)) if (!byName.has(e.name)) byName.set(e.name, e);
  return [...byName.values()];
}
