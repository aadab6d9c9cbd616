/**
 * @module registry/pg-candidates
 * Candidate search on Postgres: the query's band keys fetch their lists from `index_lists` through
 * its primary key (one row per key: ~1,600 index probes whatever the registry's size), each list
 * in Postgres's binary array form (array_send: 8 bytes an id, no text to parse); the ids are
 * counted in a typed array and the best `limit` kept by a histogram of hit counts (ties by id, as
 * store.ts). Counting in Postgres (unnest, GROUP BY) costs ~1 s for the ~380,000 ids a query
 * meets at a million models; this costs the transfer. The work grows with the postings the query's
 * keys hold, not with the number of models.
 */
import type pg from "pg";
import type { IndexKey } from "../fingerprint/types.js";
import { bandKeys } from "./band-keys.js";
import type { Candidate } from "./store.js";

/** Adds one to `hits` for every id of a binary int4[] (array_send): ndim, flags, type, then per dimension size and lower bound, then length-prefixed values. */
function countIds(b: Buffer, hits: Uint32Array): void {
  if (b.length < 12 || b.readInt32BE(0) !== 1) return;
  const n = b.readInt32BE(12);
  let off = 20;
  for (let i = 0; i < n && off + 8 <= b.length; i++, off += 8) {
    if (b.readInt32BE(off) !== 4) continue; // NULL (length -1): never written
    const id = b.readInt32BE(off + 4);
    if (id > 0 && id < hits.length) hits[id] = (hits[id] as number) + 1;
  }
}

/** The ids with the most hits, best first, ties by ascending id. */
function best(hits: Uint32Array, limit: number): number[] {
  const histogram: number[] = [];
  for (let id = 1; id < hits.length; id++) {
    const h = hits[id] as number;
    if (h > 0) histogram[h] = (histogram[h] ?? 0) + 1;
  }
  let threshold = histogram.length - 1;
  for (let have = 0; threshold > 0; threshold--) {
    have += histogram[threshold] ?? 0;
    if (have >= limit) break;
  }
  threshold = Math.max(1, threshold);
  let above = 0;
  for (let h = threshold + 1; h < histogram.length; h++) above += histogram[h] ?? 0;
  // every id above the threshold; at it, the lowest ids until the list is full
  let room = limit - above;
  const out: number[] = [];
  for (let id = 1; id < hits.length; id++) {
    const h = hits[id] as number;
    if (h > threshold || (h === threshold && room-- > 0)) out.push(id);
  }
  out.sort((a, b) => (hits[b] as number) - (hits[a] as number) || a - b);
  return out.slice(0, limit);
}

export async function pgCandidates(db: pg.Pool | pg.ClientBase, key: IndexKey, limit: number): Promise<Candidate[]> {
  const keys = bandKeys(key);
  if (keys.length === 0 || limit <= 0) return [];
  const maxId = Number((await db.query<{ m: number }>("SELECT coalesce(max(id), 0) AS m FROM models")).rows[0]?.m ?? 0);
  if (maxId === 0) return [];
  const hits = new Uint32Array(maxId + 1);
  const lists = await db.query<{ b: Buffer }>("SELECT array_send(model_ids) AS b FROM index_lists WHERE band_key = ANY($1::int[])", [Array.from(keys)]);
  for (const r of lists.rows) countIds(r.b, hits);
  const ids = best(hits, limit);
  const names = new Map((await db.query<{ id: number; name: string }>("SELECT id, name FROM models WHERE id = ANY($1::int[])", [ids])).rows.map((r) => [r.id, r.name]));
  return ids.flatMap((id) => (names.has(id) ? [{ id, name: names.get(id) as string, hits: hits[id] as number }] : []));
}
