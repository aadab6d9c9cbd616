/**
 * A Postgres outage for one test database, on any cluster (the throwaway one or $PEDIGREE_TEST_PG):
 * the database stops accepting connections and every open one is terminated (what clients see when
 * the server restarts: connections cut, new ones refused), for `ms`, then accepts them again.
 */
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { testCluster } from "./postgres.js";

/** Returns how many connections it cut. */
export async function databaseOutage(url: string, ms: number): Promise<number> {
  const db = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: await testCluster() });
  await admin.connect();
  try {
    await admin.query(`ALTER DATABASE ${db} WITH ALLOW_CONNECTIONS false`);
    const cut = await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [db]);
    await sleep(ms);
    return cut.rowCount ?? 0;
  } finally {
    await admin.query(`ALTER DATABASE ${db} WITH ALLOW_CONNECTIONS true`).catch(() => undefined);
    await admin.end();
  }
}
