/**
 * @module registry/pg-candidates
 * Candidate search on Postgres: the query's band keys fetch their lists from `index_lists` through
 * its primary key (one row per key: ~1,600 index probes whatever the registry's size), Postgres
 * unnests and counts the ids per model and keeps the best `limit` (ties by id, as store.ts). The
 * work grows with the postings the query's keys hold, not with the number of models.
 */
import type pg from "pg";
import type { IndexKey } from "../fingerprint/types.js";
import { bandKeys } from "./band-keys.js";
import type { Candidate } from "./store.js";

export async function pgCandidates(db: pg.Pool | pg.ClientBase, key: IndexKey, limit: number): Promise<Candidate[]> {
  const keys = bandKeys(key);
  if (keys.length === 0 || limit <= 0) return [];
  const r = await db.query<{ id: number; name: string; hits: number }>(
    `SELECT h.id, m.name, h.hits FROM (
       SELECT id, count(*)::int AS hits FROM index_lists, unnest(model_ids) AS id
       WHERE band_key = ANY($1::int[]) GROUP BY id ORDER BY hits DESC, id LIMIT $2
     ) h JOIN models m ON m.id = h.id ORDER BY h.hits DESC, h.id`, [Array.from(keys), limit]);
  return r.rows;
}
