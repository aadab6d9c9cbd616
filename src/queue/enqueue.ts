/**
 * @module queue/enqueue
 * Putting work on the queue: a sweep (its index_sweeps row and its index job, in one
 * transaction), a scan or a compare job. Local paths are made absolute here, where they were
 * given; the work is done by whichever worker takes it.
 */
import { randomUUID } from "node:crypto";
import { resolve } from "node:path";
import { metaProblem } from "../registry/metadata.js";
import { UsageError } from "../errors.js";
import { queueOf, type CompareJobData, type IndexJobData, type ScanJobData, type SweepDefaults } from "./kinds.js";
import type { Queue } from "./open-queue.js";
import { resolveSource } from "./source.js";
import { isHubLocator } from "./source-entry.js";
import { createSweep, sweepStatus, type SweepStatus } from "./sweeps.js";
import { asBossDb, inTransaction } from "./transaction.js";

export async function enqueueSweep(queue: Queue, source: string, defaults: SweepDefaults): Promise<SweepStatus> {
  const problem = metaProblem({ name: "sweep", ...defaults });
  if (problem) throw new UsageError(problem);
  const where = resolveSource(source);
  const id = randomUUID();
  const { expireInSeconds, retryLimit, retryDelaySeconds } = queue.settings;
  const data: IndexJobData = { sweepId: id, jobs: { expireInSeconds, retryLimit, retryDelay: retryDelaySeconds } };
  await inTransaction(queue.pool, async (c) => {
    await createSweep(c, id, where, defaults);
    await queue.boss.insert([{ name: queueOf("index"), data, expireInSeconds, retryLimit, retryDelay: retryDelaySeconds }], { db: asBossDb(c) });
  });
  return (await sweepStatus(queue.pool, id)) as SweepStatus;
}

const located = (m: string) => (isHubLocator(m) ? m : resolve(m));

async function send(queue: Queue, kind: "scan" | "compare", data: object): Promise<string> {
  const { expireInSeconds, retryLimit, retryDelaySeconds } = queue.settings;
  return (await queue.boss.send(queueOf(kind), data, { expireInSeconds, retryLimit, retryDelay: retryDelaySeconds })) as string;
}

/** A scan job for one model; its result goes to job_results under the returned id. */
export async function enqueueScan(queue: Queue, model: string, failOn?: string): Promise<string> {
  return send(queue, "scan", { model: located(model), failOn } satisfies ScanJobData);
}

/** A compare job for two models; its result goes to job_results under the returned id. */
export async function enqueueCompare(queue: Queue, a: string, b: string): Promise<string> {
  return send(queue, "compare", { a: located(a), b: located(b) } satisfies CompareJobData);
}
