/**
 * @module queue/kinds
 * The kinds of job and what each carries. Every kind has its own pg-boss queue
 * (`pedigree-<kind>`); job data is plain JSON.
 */
import type { Tier } from "../registry/metadata.js";
import type { SourceEntry } from "./source-entry.js";

export const JOB_KINDS = ["index", "register", "scan", "compare"] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export function queueOf(kind: JobKind): string {
  return `pedigree-${kind}`;
}

/** What a sweep registers every entry with, unless the entry's own claims say otherwise. */
export interface SweepDefaults {
  owner: string;
  tier: Tier;
  license?: string;
}

/** Expand a sweep: list its source, one register job per entry. */
export interface IndexJobData {
  sweepId: string;
  /** The retry settings of the sweep's register jobs (those of the `pedigree index` that enqueued it). */
  jobs: JobRetry;
}

/** pg-boss's per-job retry settings (settings.ts). */
export interface JobRetry {
  expireInSeconds: number;
  retryLimit: number;
  retryDelay: number;
}

/** Fingerprint one model and register it under `entry.name` (idempotent). */
export interface RegisterJobData {
  sweepId?: string;
  entry: SourceEntry;
  defaults: SweepDefaults;
}

export interface ScanJobData {
  model: string;
  failOn?: string;
}

export interface CompareJobData {
  a: string;
  b: string;
}

