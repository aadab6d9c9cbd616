/**
 * @module queue/boss
 * pg-boss on the registry's database, in its own schema (settings.ts's BOSS_SCHEMA): started
 * on the queue's pool (its tables created or migrated on first use, under pg-boss's own lock), one queue per job kind
 * created, every background error handed to `onError` (an unhandled 'error' event would end the
 * process: a Postgres restart makes a few). pg-boss's maintenance archives finished jobs; expiry
 * is swept by the workers themselves (worker.ts), more often than pg-boss would.
 */
import PgBoss from "pg-boss";
import type pg from "pg";
import { pgError } from "../registry/pg-connect.js";
import { JOB_KINDS, queueOf } from "./kinds.js";
import { BOSS_SCHEMA, type QueueSettings } from "./settings.js";

/** `queues`: the pg-boss queues to create (default: one per job kind; serve passes its own). */
export async function startBoss(pool: pg.Pool, name: string, settings: QueueSettings, onError: (e: unknown) => void, queues: readonly string[] = JOB_KINDS.map(queueOf)): Promise<PgBoss> {
  const boss = new PgBoss({
    // pg-boss on our pool (pg-connect.ts): its connections cut by a restart never crash the process
    db: { executeSql: async (text: string, values: unknown[]) => ({ rows: (await pool.query(text, values)).rows }) },
    schema: BOSS_SCHEMA,
    schedule: false,
    expireInSeconds: settings.expireInSeconds,
    retryLimit: settings.retryLimit,
    retryDelay: settings.retryDelaySeconds,
  });
  boss.on("error", onError);
  try {
    await boss.start();
    for (const q of queues) {
      await boss.createQueue(q, { name: q, retryLimit: settings.retryLimit, retryDelay: settings.retryDelaySeconds, expireInSeconds: settings.expireInSeconds });
    }
  } catch (e) {
    await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
    throw pgError(name, e);
  }
  return boss;
}
