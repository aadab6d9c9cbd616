/**
 * @module queue/register-job
 * A register job: fingerprint one entry's model and register it, exactly once. The registration
 * is one transaction (backend.ts); a job run again — retried after its worker was killed, or
 * after the registry was unreachable — that finds the name registered with the same fingerprint
 * succeeds without writing; the same name with another fingerprint is a conflict, recorded as the
 * entry's failure. Transient failures are thrown, so pg-boss retries the job; on its last attempt,
 * and for every other failure, the entry's outcome is recorded as failed.
 */
import { PedigreeError, q, UsageError } from "../errors.js";
import type { Fingerprint } from "../fingerprint/types.js";
import { metaProblem } from "../registry/metadata.js";
import { entryMeta } from "./entry-meta.js";
import { fingerprintLocator } from "./fingerprint-locator.js";
import type { RegisterJobData } from "./kinds.js";
import type { Queue } from "./open-queue.js";
import { sameFingerprint } from "./same-fingerprint.js";
import { recordOutcome, type Outcome } from "./sweeps.js";
import { failureText, isTransient } from "./transient.js";

export interface JobContext {
  queue: Queue;
  signal: AbortSignal;
  /** The job's last attempt: a transient failure is recorded instead of retried. */
  final: boolean;
}

export interface RegisterResult {
  name: string;
  outcome: Outcome;
  modelId: number | null;
  error: string | null;
}

export async function runRegisterJob(ctx: JobContext, data: RegisterJobData): Promise<RegisterResult> {
  const { name } = data.entry;
  let result: RegisterResult;
  try {
    result = { name, ...(await registerEntry(ctx, data)), error: null };
  } catch (e) {
    if (isTransient(e) && !ctx.final) throw e;
    result = { name, outcome: "failed", modelId: null, error: failureText(e) };
  }
  if (data.sweepId) await recordOutcome(ctx.queue.pool, data.sweepId, name, result.outcome, result.modelId, result.error);
  return result;
}

async function registerEntry(ctx: JobContext, data: RegisterJobData): Promise<{ outcome: Outcome; modelId: number }> {
  const { backend } = ctx.queue;
  const { fingerprint, claims } = await fingerprintLocator(data.entry.locator, ctx.signal);
  const meta = entryMeta(data.entry.name, data.defaults, data.entry.claims ?? claims);
  const problem = metaProblem(meta);
  if (problem) throw new UsageError(problem);
  const existing = await backend.get(meta.name);
  if (existing) return settle(ctx, meta.name, existing.id, fingerprint);
  try {
    return { outcome: "registered", modelId: (await backend.register(fingerprint, meta)).id };
  } catch (e) {
    // registered meanwhile by another attempt of this job (or another sweep): the same weights are no conflict
    const now = e instanceof PedigreeError && e.code === "conflict" ? await backend.get(meta.name) : undefined;
    if (!now) throw e;
    return settle(ctx, meta.name, now.id, fingerprint);
  }
}

async function settle(ctx: JobContext, name: string, id: number, fp: Fingerprint): Promise<{ outcome: Outcome; modelId: number }> {
  if (await sameFingerprint(ctx.queue.backend, id, fp)) return { outcome: "unchanged", modelId: id };
  throw new PedigreeError("conflict", `another model is already registered as ${q(name)} in ${ctx.queue.name} (different weights)`);
}
