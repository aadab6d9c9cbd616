/**
 * @module queue/sweeps
 * An index sweep's record in the registry: one index_sweeps row (source, defaults, counts total /
 * done / failed, when it started, was listed and finished) and one index_entries row per entry
 * (name, locator, claims, outcome). An entry's outcome is written once: the first write moves it
 * from pending to registered / unchanged / failed and counts it, in one transaction; a retried
 * job's second write changes nothing. The sweep is finished when every listed entry has one.
 */
import type pg from "pg";
import type { SweepDefaults } from "./kinds.js";
import type { SourceEntry } from "./source-entry.js";
import { inTransaction } from "./transaction.js";

type Db = Pick<pg.Pool, "query">;

export type Outcome = "registered" | "unchanged" | "failed";

export interface SweepStatus {
  id: string;
  source: string;
  defaults: SweepDefaults;
  /** Entries listed (null until the source has been listed). */
  total: number | null;
  done: number;
  failed: number;
  startedAt: string;
  finishedAt: string | null;
  /** Why the source could not be listed, when it could not. */
  error: string | null;
}

export interface EntryOutcome {
  name: string;
  locator: string;
  outcome: Outcome | null;
  modelId: number | null;
  error: string | null;
}

interface SweepRow {
  id: string;
  source: string;
  defaults_json: string;
  total: number | null;
  done: number;
  failed: number;
  started_at: string;
  finished_at: string | null;
  error: string | null;
}

const statusOf = (r: SweepRow): SweepStatus => ({
  id: r.id, source: r.source, defaults: JSON.parse(r.defaults_json) as SweepDefaults, total: r.total, done: r.done, failed: r.failed,
  startedAt: r.started_at, finishedAt: r.finished_at, error: r.error,
});

export async function createSweep(db: Db, id: string, source: string, defaults: SweepDefaults): Promise<void> {
  await db.query("INSERT INTO index_sweeps (id, source, defaults_json, started_at) VALUES ($1, $2, $3, $4)", [id, source, JSON.stringify(defaults), new Date().toISOString()]);
}

export async function sweepStatus(db: Db, id: string, forUpdate = false): Promise<SweepStatus | undefined> {
  const r = (await db.query<SweepRow>(`SELECT * FROM index_sweeps WHERE id = $1${forUpdate ? " FOR UPDATE" : ""}`, [id])).rows[0];
  return r && statusOf(r);
}

/** Stores the listed entries and the total (inside the caller's transaction, the sweep row locked). */
export async function storeEntries(db: Db, id: string, entries: readonly SourceEntry[]): Promise<void> {
  await db.query(`INSERT INTO index_entries (sweep_id, name, locator, claims_json) SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[]) ON CONFLICT DO NOTHING`,
    [id, entries.map((e) => e.name), entries.map((e) => e.locator), entries.map((e) => (e.claims ? JSON.stringify(e.claims) : null))]);
  const now = new Date().toISOString();
  await db.query("UPDATE index_sweeps SET total = $2, listed_at = $3, finished_at = CASE WHEN $2 = 0 THEN $3 END WHERE id = $1", [id, entries.length, now]);
}

/** The source could not be listed: the sweep ends with that error. */
export async function failSweep(db: Db, id: string, error: string): Promise<void> {
  await db.query("UPDATE index_sweeps SET error = $2, finished_at = $3 WHERE id = $1 AND finished_at IS NULL", [id, error, new Date().toISOString()]);
}

/** Records an entry's outcome once, counts it and finishes the sweep with its last entry (one transaction). */
export async function recordOutcome(pool: pg.Pool, id: string, name: string, outcome: Outcome, modelId: number | null, error: string | null): Promise<boolean> {
  return inTransaction(pool, async (c) => {
    const now = new Date().toISOString();
    const moved = await c.query("UPDATE index_entries SET outcome = $3, model_id = $4, error = $5, finished_at = $6 WHERE sweep_id = $1 AND name = $2 AND outcome IS NULL", [id, name, outcome, modelId, error, now]);
    if ((moved.rowCount ?? 0) === 0) return false;
    const col = outcome === "failed" ? "failed" : "done";
    await c.query(`UPDATE index_sweeps SET ${col} = ${col} + 1, finished_at = CASE WHEN total IS NOT NULL AND done + failed + 1 >= total THEN $2 ELSE finished_at END WHERE id = $1`, [id, now]);
    return true;
  });
}

/** Every entry of a sweep with its outcome so far, by name. */
export async function sweepEntries(db: Db, id: string): Promise<EntryOutcome[]> {
  const rows = (await db.query<{ name: string; locator: string; outcome: Outcome | null; model_id: number | null; error: string | null }>(
    `SELECT name, locator, outcome, model_id, error FROM index_entries WHERE sweep_id = $1 ORDER BY name COLLATE "C"`, [id])).rows;
  return rows.map((r) => ({ name: r.name, locator: r.locator, outcome: r.outcome, modelId: r.model_id, error: r.error }));
}
