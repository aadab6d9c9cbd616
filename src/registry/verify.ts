/**
 * @module registry/verify
 * A full consistency check of a registry: SQLite's own `integrity_check` and foreign keys, then per
 * model that every fingerprint part is there and decodes, and that its postings are exactly the
 * band keys of its index key (none missing, none extra, none without a model). Reads everything:
 * for tests and repairs, not for every command.
 */
import { decodeBehaviour } from "../behaviour/stored.js";
import { decodeFingerprint } from "../fingerprint/codec.js";
import { bandKeys } from "./band-keys.js";
import type { Registry } from "./open.js";
import { loadAllParts } from "./store.js";

/** Problems found, one line each; empty when the registry is whole. */
export function verifyRegistry(db: Registry): string[] {
  const problems: string[] = [];
  const integrity = (db.pragma("integrity_check") as Array<Record<string, unknown>>).map((r) => String(Object.values(r)[0]));
  if (integrity.length !== 1 || integrity[0] !== "ok") problems.push(...integrity.map((m) => `integrity_check: ${m}`));
  const fk = db.pragma("foreign_key_check") as unknown[];
  if (fk.length > 0) problems.push(`foreign_key_check: ${fk.length} rows refer to missing models`);

  const perModel = new Map<number, number>();
  for (const r of db.prepare("SELECT model_id, count(*) AS n FROM index_postings GROUP BY model_id").all() as Array<{ model_id: number; n: number }>) perModel.set(r.model_id, r.n);
  const models = db.prepare("SELECT id, name, part_count, posting_count FROM models ORDER BY id").all() as Array<{ id: number; name: string; part_count: number; posting_count: number }>;
  const has = db.prepare("SELECT 1 FROM index_postings WHERE band_key = ? AND model_id = ?").pluck();
  for (const m of models) {
    const what = `model ${JSON.stringify(m.name)} (id ${m.id})`;
    const parts = loadAllParts(db, m.id);
    if (parts.size !== m.part_count) problems.push(`${what}: ${parts.size} fingerprint parts, expected ${m.part_count}`);
    let keys: Int32Array;
    try {
      const fp = decodeFingerprint(parts, what);
      if (fp.behaviour) decodeBehaviour(fp.behaviour, what);
      if (parts.size !== fp.layers.length + 1 + (fp.behaviour ? 1 : 0)) problems.push(`${what}: ${parts.size} parts for ${fp.layers.length} layers`);
      keys = bandKeys(fp.index);
    } catch (e) {
      problems.push(`${what}: fingerprint does not decode: ${(e as Error).message}`);
      continue;
    }
    let found = 0;
    for (const k of keys) if (has.get(k, m.id) !== undefined) found++;
    const stored = perModel.get(m.id) ?? 0;
    perModel.delete(m.id);
    if (keys.length !== m.posting_count || found !== keys.length || stored !== keys.length) {
      problems.push(`${what}: ${stored} postings stored, ${found} of its ${keys.length} band keys found, ${m.posting_count} recorded`);
    }
  }
  for (const [id, n] of perModel) problems.push(`${n} postings of model id ${id}, which does not exist`);
  return problems;
}
