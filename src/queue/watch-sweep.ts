/**
 * @module queue/watch-sweep
 * Follows a sweep until it is finished: its status every `intervalMs`, handed to `onStatus`. The
 * registry unreachable for a while (Postgres restarting) is waited out like a worker does.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { PedigreeError } from "../errors.js";
import { abortedError } from "../api/cancel.js";
import type pg from "pg";
import { sweepStatus, type SweepStatus } from "./sweeps.js";
import { isTransient } from "./transient.js";

export async function watchSweep(pool: pg.Pool, id: string, opts: { signal?: AbortSignal; intervalMs?: number; onStatus?: (s: SweepStatus) => void } = {}): Promise<SweepStatus> {
  while (true) {
    if (opts.signal?.aborted) throw abortedError(opts.signal, "index");
    try {
      const s = await sweepStatus(pool, id);
      if (!s) throw new PedigreeError("not-found", `no sweep ${id} in the registry`);
      opts.onStatus?.(s);
      if (s.finishedAt !== null) return s;
    } catch (e) {
      if (!isTransient(e)) throw e;
    }
    await sleep(opts.intervalMs ?? 1000, undefined, { signal: opts.signal }).catch(() => undefined);
  }
}
