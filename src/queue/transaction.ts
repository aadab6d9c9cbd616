/**
 * @module queue/transaction
 * One transaction on one pooled connection: committed when `fn` returns, rolled back when it
 * throws. `asBossDb` lets pg-boss insert jobs inside it (its `db` option), so a sweep's entries
 * and their jobs are written together or not at all.
 */
import type pg from "pg";

export async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query("BEGIN");
    const out = await fn(c);
    await c.query("COMMIT");
    return out;
  } catch (e) {
    await c.query("ROLLBACK").catch(() => undefined);
    throw e;
  } finally {
    c.release();
  }
}

/** The connection as pg-boss's `db` option. */
export function asBossDb(c: pg.PoolClient): { executeSql(text: string, values: unknown[]): Promise<{ rows: unknown[] }> } {
  return { executeSql: async (text, values) => ({ rows: (await c.query(text, values)).rows }) };
}
