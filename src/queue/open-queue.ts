/**
 * @module queue/open-queue
 * Everything a job side needs on one Postgres registry: the registry itself (backend.ts, migrated:
 * the sweep tables come with it), a pool for the queue's own tables (index_sweeps, index_entries,
 * job_results) and pg-boss, which runs on that pool too. A SQLite registry is refused: jobs need Postgres.
 */
import type PgBoss from "pg-boss";
import type pg from "pg";
import { UsageError } from "../errors.js";
import type { RegistryBackend } from "../registry/backend.js";
import { openBackend } from "../registry/connect.js";
import { registryLocation } from "../registry/location.js";
import { connectPool } from "../registry/pg-connect.js";
import { startBoss } from "./boss.js";
import { queueSettings, type QueueSettings } from "./settings.js";

export interface Queue {
  /** The registry's URL with its password redacted. */
  name: string;
  url: string;
  backend: RegistryBackend;
  pool: pg.Pool;
  boss: PgBoss;
  settings: QueueSettings;
  close(): Promise<void>;
}

export const NEEDS_POSTGRES = "jobs need a Postgres registry: give --registry postgres://... (or $PEDIGREE_REGISTRY)";

/** The registry's Postgres URL and its redacted name; a SQLite registry is a usage error. */
export function postgresRegistry(registry: string | undefined): { url: string; name: string } {
  const loc = registryLocation(registry);
  if (loc.kind !== "postgres") throw new UsageError(NEEDS_POSTGRES);
  return { url: loc.url, name: loc.name };
}

export async function openQueue(registry: string | undefined, opts: { settings?: Partial<QueueSettings>; onError?: (e: unknown) => void } = {}): Promise<Queue> {
  const { url, name } = postgresRegistry(registry);
  const settings = queueSettings(opts.settings);
  const backend = await openBackend(url);
  let pool: pg.Pool | undefined;
  try {
    pool = await connectPool(url, name, 4);
    const boss = await startBoss(pool, name, settings, opts.onError ?? (() => undefined));
    const p = pool;
    return {
      name, url, backend, pool: p, boss, settings,
      close: async () => {
        await boss.stop({ graceful: false, wait: true, timeout: 1000 }).catch(() => undefined);
        await p.end().catch(() => undefined);
        await backend.close();
      },
    };
  } catch (e) {
    await pool?.end().catch(() => undefined);
    await backend.close();
    throw e;
  }
}
