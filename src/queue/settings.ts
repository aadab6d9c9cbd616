/**
 * @module queue/settings
 * How jobs are retried and how long one may stay taken. pg-boss has no heartbeat: a job a worker
 * has taken is "active" until it completes or fails, or until `expireInSeconds` have passed — then
 * the next expiry sweep (every worker runs one every `expirySweepSeconds`) hands it back for a retry
 * (up to `retryLimit` times). So a worker killed with SIGKILL mid-job delays that job by at most
 * expireInSeconds + expirySweepSeconds + pollingIntervalSeconds; a job that really runs longer than
 * the expiry is taken by a second worker as well, which is harmless (register jobs are idempotent).
 */

/** pg-boss's own schema in the registry's database (its tables never mix with the registry's). */
export const BOSS_SCHEMA = "pedigree_boss";

export interface QueueSettings {
  /** Seconds a taken job may run before another worker may take it (default 900). */
  expireInSeconds: number;
  /** Retries after a failure or an expiry (default 10). */
  retryLimit: number;
  /** Seconds before a failed job is retried (default 1). */
  retryDelaySeconds: number;
  /** Seconds an idle worker waits between looks at the queue (default 1). */
  pollingIntervalSeconds: number;
  /** Seconds between a worker's sweeps for expired jobs (default 5). */
  expirySweepSeconds: number;
}

export const DEFAULT_SETTINGS: QueueSettings = {
  expireInSeconds: 900,
  retryLimit: 10,
  retryDelaySeconds: 1,
  pollingIntervalSeconds: 1,
  expirySweepSeconds: 5,
};

/** The defaults with `given` on top (undefined values ignored). */
export function queueSettings(given: Partial<QueueSettings> = {}): QueueSettings {
  const out = { ...DEFAULT_SETTINGS };
  for (const [k, v] of Object.entries(given)) if (v !== undefined) (out as unknown as Record<string, number>)[k] = v;
  return out;
}
