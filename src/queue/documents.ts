/**
 * @module queue/documents
 * The JSON documents of `pedigree index` and `pedigree worker` (docs/schemas/index.schema.json,
 * worker.schema.json).
 */
import type { IndexSweep } from "./index-sweep.js";
import type { WorkerSummary } from "./worker.js";

export const INDEX_SCHEMA = "pedigree.index/1";
export const WORKER_SCHEMA = "pedigree.worker/1";

export function indexDocument(r: IndexSweep) {
  const s = r.sweep;
  return {
    schema: INDEX_SCHEMA,
    registry: r.registry,
    sweep: { id: s.id, source: s.source, owner: s.defaults.owner, tier: s.defaults.tier, license: s.defaults.license ?? null, total: s.total, done: s.done, failed: s.failed, startedAt: s.startedAt, finishedAt: s.finishedAt, error: s.error },
    ...(r.entries ? { entries: r.entries } : {}),
  };
}

export function workerDocument(w: WorkerSummary) {
  return { schema: WORKER_SCHEMA, registry: w.registry, jobs: w.jobs, failed: w.failed, stopped: w.stopped };
}
