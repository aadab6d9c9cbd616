/**
 * @module queue/boss
 * pg-boss on the registry's database, in its own schema (settings.ts's BOSS_SCHEMA): started
 * (its tables created or migrated on first use, under pg-boss's own lock), one queue per job kind
 * created, every background error handed to `onError` (an unhandled 'error' event would end the
 * process: a Postgres restart makes a few). pg-boss's maintenance archives finished jobs; expiry
 * is swept by the workers themselves (worker.ts), more often than pg-boss would.
 */
import PgBoss from "pg-boss";
import { pgError } from "../registry/pg-connect.js";
import { JOB_KINDS, queueOf } from "./kinds.js";
import { BOSS_SCHEMA, type QueueSettings } from "./settings.js";

export async function startBoss(url: string, name: string, settings: QueueSettings, onError: (e: unknown) => void): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: url,
    schema: BOSS_SCHEMA,
    max: 3,
    application_name: "pedigree-queue",
    schedule: false,
    expireInSeconds: settings.expireInSeconds,
    retryLimit: settings.retryLimit,
    retryDelay: settings.retryDelaySeconds,
  });
  boss.on("error", onError);
  try {
    await boss.start();
    for (const kind of JOB_KINDS) {
      await boss.createQueue(queueOf(kind), { name: queueOf(kind), retryLimit: settings.retryLimit, retryDelay: settings.retryDelaySeconds, expireInSeconds: settings.expireInSeconds });
    }
  } catch (e) {
    await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
    throw pgError(name, e);
  }
  return boss;
}
