/**
 * @module registry/store
 * Models in the registry: register (model row, fingerprint parts and index postings in one
 * transaction), remove, list, get, lazy loading of fingerprint parts, and candidate search over the
 * index postings.
 */
import type Database from "better-sqlite3";
import { decodeFingerprint, decodeMeta, encodeFingerprint } from "../fingerprint/codec.js";
import type { Fingerprint, FingerprintSummary, IndexKey } from "../fingerprint/types.js";
import { BadInputError, PedigreeError, q, UsageError } from "../errors.js";
import { bandKeys } from "./band-keys.js";
import { metaProblem, type ModelMeta, type Tier } from "./metadata.js";
import { registryFile, type Registry } from "./open.js";

/** A model's row, without its fingerprint. */
export interface ModelRecord {
  id: number;
  name: string;
  owner: string;
  tier: Tier;
  license: string | null;
  declaredBase: string | null;
  released: string | null;
  registeredAt: string;
  fingerprintVersion: number;
  recipients: string[] | null;
  notes: string | null;
  partCount: number;
  postingCount: number;
}

/** A row of `list`: the record and the summary's headline facts. */
export interface ModelListing extends ModelRecord {
  format: string;
  architecture: string;
  parameters: number;
  layers: number;
  dim: number;
}

/** Everything `get` knows: the record, the fingerprint summary, and the parts' sizes. */
export interface ModelEntry extends ModelRecord {
  summary: FingerprintSummary;
  parts: Array<{ part: string; bytes: number }>;
  fingerprintBytes: number;
}

export interface Candidate {
  id: number;
  name: string;
  /** Band keys of the query's index key that this model also posts. */
  hits: number;
}

// ---- prepared statements, cached per connection

const cache = new WeakMap<Database.Database, Map<string, Database.Statement>>();

function stmt(db: Registry, sql: string): Database.Statement {
  let m = cache.get(db);
  if (!m) cache.set(db, (m = new Map()));
  let s = m.get(sql);
  if (!s) m.set(sql, (s = db.prepare(sql)));
  return s;
}

/** A blob as a plain Uint8Array (a Buffer's `slice` is a view, which the codec must not be given). */
export function plainBytes(b: Uint8Array): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Parts in reading order: meta, then layers by number. */
export function partOrder(a: string, b: string): number {
  const n = (p: string) => (p === "meta" ? -1 : p.startsWith("layer.") ? Number(p.slice(6)) : Number.MAX_SAFE_INTEGER);
  return n(a) - n(b) || (a < b ? -1 : a > b ? 1 : 0);
}

// ---- rows

export const RECORD_COLUMNS = `id, name, owner, tier, license, declared_base, released, registered_at, fingerprint_version, recipients_json, notes, part_count, posting_count`;

export interface RecordRow {
  id: number;
  name: string;
  owner: string;
  tier: Tier;
  license: string | null;
  declared_base: string | null;
  released: string | null;
  registered_at: string;
  fingerprint_version: number;
  recipients_json: string | null;
  notes: string | null;
  part_count: number;
  posting_count: number;
}

export function record(r: RecordRow): ModelRecord {
  return {
    id: r.id, name: r.name, owner: r.owner, tier: r.tier, license: r.license, declaredBase: r.declared_base, released: r.released,
    registeredAt: r.registered_at, fingerprintVersion: r.fingerprint_version, recipients: r.recipients_json === null ? null : (JSON.parse(r.recipients_json) as string[]),
    notes: r.notes, partCount: r.part_count, postingCount: r.posting_count,
  };
}

function notFound(db: Registry, what: string): PedigreeError {
  return new PedigreeError("not-found", `no model ${what} in the registry`, registryFile(db));
}

/** The id of a model given by id or name, or an error naming what is missing. */
export function resolveModel(db: Registry, idOrName: number | string): number {
  const id = typeof idOrName === "number"
    ? (stmt(db, "SELECT id FROM models WHERE id = ?").pluck().get(idOrName) as number | undefined)
    : (stmt(db, "SELECT id FROM models WHERE name = ?").pluck().get(idOrName) as number | undefined);
  if (id === undefined) throw notFound(db, typeof idOrName === "number" ? `with id ${idOrName}` : `named ${q(idOrName)}`);
  return id;
}

// ---- writing

/** What is stored for one model: its encoded parts, and facts decoded from them. */
export interface StoredFingerprint {
  parts: Map<string, Uint8Array>;
  version: number;
  summary: FingerprintSummary;
  index: IndexKey;
  /** The summary's JSON text to store as it is (a copy between registries); else `summary` is written. */
  summaryJson?: string;
}

/** Inserts one model (with `id`, when given); the caller holds the transaction. Duplicate name -> UsageError. */
export function insertModel(db: Registry, fp: StoredFingerprint, meta: ModelMeta, registeredAt: string, id?: number): number {
  const problem = metaProblem(meta);
  if (problem) throw new UsageError(problem);
  if (stmt(db, "SELECT 1 FROM models WHERE name = ?").pluck().get(meta.name) !== undefined) {
    throw new UsageError(`a model named ${q(meta.name)} is already registered in ${registryFile(db)} (remove it first, or choose another --name)`);
  }
  if (!fp.parts.has("meta")) throw new UsageError("a fingerprint without its meta part cannot be registered");
  const keys = bandKeys(fp.index);
  const info = stmt(db, `INSERT INTO models (id, name, owner, tier, license, declared_base, released, registered_at, fingerprint_version, summary_json, recipients_json, notes, part_count, posting_count)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
    id ?? null, meta.name, meta.owner, meta.tier, meta.license ?? null, meta.declaredBase ?? null, meta.released ?? null, registeredAt, fp.version,
    fp.summaryJson ?? JSON.stringify(fp.summary), meta.tier === "gated" ? JSON.stringify(meta.recipients ?? []) : null, meta.notes ?? null, fp.parts.size, keys.length,
  );
  const newId = Number(info.lastInsertRowid);
  const part = stmt(db, "INSERT INTO fingerprint_parts (model_id, part, bytes) VALUES (?, ?, ?)");
  for (const [name, bytes] of fp.parts) part.run(newId, name, bytes);
  const posting = stmt(db, "INSERT INTO index_postings (band_key, model_id) VALUES (?, ?)");
  for (const k of keys) posting.run(k, newId);
  return newId;
}

/** Deletes one model, its parts and its postings; the caller holds the transaction. */
export function deleteModel(db: Registry, id: number): void {
  const row = stmt(db, "SELECT posting_count FROM models WHERE id = ?").get(id) as { posting_count: number } | undefined;
  if (!row) return;
  let removed = 0;
  const meta = stmt(db, "SELECT bytes FROM fingerprint_parts WHERE model_id = ? AND part = 'meta'").pluck().get(id) as Uint8Array | undefined;
  if (meta) {
    try {
      const del = stmt(db, "DELETE FROM index_postings WHERE band_key = ? AND model_id = ?");
      for (const k of bandKeys(decodeMeta(plainBytes(meta)).index)) removed += del.run(k, id).changes;
    } catch {
      removed = -1; // a meta part this pedigree cannot read: fall back to the scan below
    }
  }
  // postings not found by their keys (should not happen): one scan of the whole table
  if (removed !== row.posting_count) stmt(db, "DELETE FROM index_postings WHERE model_id = ?").run(id);
  stmt(db, "DELETE FROM models WHERE id = ?").run(id); // parts go by ON DELETE CASCADE
}

/**
 * Registers a fingerprint under `meta.name`: the model row, every part and every posting in one
 * transaction. A duplicate name is a UsageError and changes nothing.
 */
export function register(db: Registry, fp: Fingerprint, meta: ModelMeta, opts: { registeredAt?: string } = {}): ModelEntry {
  const stored: StoredFingerprint = { parts: encodeFingerprint(fp), version: fp.version, summary: fp.summary, index: fp.index };
  const registeredAt = opts.registeredAt ?? new Date().toISOString();
  const id = db.transaction(() => insertModel(db, stored, meta, registeredAt)).immediate();
  return getById(db, id) as ModelEntry;
}

/** Removes a model by name; returns its record. Unknown name -> not-found error. */
export function remove(db: Registry, name: string): ModelRecord {
  return db.transaction(() => {
    const r = stmt(db, `SELECT ${RECORD_COLUMNS} FROM models WHERE name = ?`).get(name) as RecordRow | undefined;
    if (!r) throw notFound(db, `named ${q(name)}`);
    deleteModel(db, r.id);
    return record(r);
  }).immediate();
}

// ---- reading

const LISTING_COLUMNS = `${RECORD_COLUMNS},
      json_extract(summary_json, '$.format') AS format, json_extract(summary_json, '$.architecture') AS architecture,
      json_extract(summary_json, '$.parameters') AS parameters, json_extract(summary_json, '$.params.nLayers') AS layers,
      json_extract(summary_json, '$.params.dim') AS dim`;
type ListingRow = RecordRow & { format: string; architecture: string; parameters: number; layers: number; dim: number };
const listing = (r: ListingRow): ModelListing => ({ ...record(r), format: String(r.format), architecture: String(r.architecture), parameters: Number(r.parameters), layers: Number(r.layers), dim: Number(r.dim) });

export function list(db: Registry): ModelListing[] {
  return (stmt(db, `SELECT ${LISTING_COLUMNS} FROM models ORDER BY name`).all() as ListingRow[]).map(listing);
}

/** The listings of some models (by id; unknown ids are left out). */
export function listByIds(db: Registry, ids: readonly number[]): ModelListing[] {
  const one = stmt(db, `SELECT ${LISTING_COLUMNS} FROM models WHERE id = ?`);
  return ids.flatMap((id) => {
    const r = one.get(id) as ListingRow | undefined;
    return r ? [listing(r)] : [];
  });
}

/** Every registered name with its id (cheap: no summaries). */
export function names(db: Registry): Array<{ id: number; name: string }> {
  return stmt(db, "SELECT id, name FROM models").all() as Array<{ id: number; name: string }>;
}

export function count(db: Registry): number {
  return Number(stmt(db, "SELECT count(*) FROM models").pluck().get());
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * A stored summary, checked for the shape every reader relies on: the column only promises valid
 * JSON, and a row edited or damaged outside pedigree must fail as the registry's bad input.
 */
export function summaryOf(where: Registry | string, name: string, json: string): FingerprintSummary {
  let s: unknown;
  try {
    s = JSON.parse(json);
  } catch {
    s = undefined;
  }
  const p = isObj(s) ? s.params : undefined;
  const d = isObj(s) ? s.declared : undefined;
  const ok = isObj(s) && typeof s.format === "string" && typeof s.architecture === "string" && typeof s.parameters === "number"
    && isObj(p) && ["dim", "nLayers", "nHeads", "vocab"].every((k) => typeof p[k] === "number")
    && isObj(d) && Array.isArray(d.baseModels) && Array.isArray(d.problems) && Array.isArray(s.files) && isObj(s.dtypes);
  if (!ok) throw new BadInputError(typeof where === "string" ? where : registryFile(where), `model ${q(name)}: its stored summary is damaged (summary_json lacks the fields pedigree wrote); remove and register it again`);
  return s as FingerprintSummary;
}

function getById(db: Registry, id: number): ModelEntry | undefined {
  const r = stmt(db, `SELECT ${RECORD_COLUMNS}, summary_json FROM models WHERE id = ?`).get(id) as (RecordRow & { summary_json: string }) | undefined;
  if (!r) return undefined;
  const parts = (stmt(db, "SELECT part, length(bytes) AS bytes FROM fingerprint_parts WHERE model_id = ?").all(id) as Array<{ part: string; bytes: number }>).sort((a, b) => partOrder(a.part, b.part));
  return { ...record(r), summary: summaryOf(db, r.name, r.summary_json), parts, fingerprintBytes: parts.reduce((s, p) => s + p.bytes, 0) };
}

/** A model's record and its summary's JSON text as stored (for copying), or undefined. */
export function recordRow(db: Registry, id: number): { record: ModelRecord; summaryJson: string } | undefined {
  const r = stmt(db, `SELECT ${RECORD_COLUMNS}, summary_json FROM models WHERE id = ?`).get(id) as (RecordRow & { summary_json: string }) | undefined;
  return r ? { record: record(r), summaryJson: r.summary_json } : undefined;
}

/** A model's metadata and fingerprint summary, or undefined when no model has that name. */
export function get(db: Registry, name: string): ModelEntry | undefined {
  const id = stmt(db, "SELECT id FROM models WHERE name = ?").pluck().get(name) as number | undefined;
  return id === undefined ? undefined : getById(db, id);
}

/** Some parts of a model's fingerprint ("meta", "layer.N"): those that exist, by name. */
export function loadParts(db: Registry, id: number, parts: readonly string[]): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const one = stmt(db, "SELECT bytes FROM fingerprint_parts WHERE model_id = ? AND part = ?").pluck();
  for (const p of parts) {
    const b = one.get(id, p) as Uint8Array | undefined;
    if (b) out.set(p, plainBytes(b));
  }
  return out;
}

/** Every part of a model's fingerprint, in reading order. */
export function loadAllParts(db: Registry, id: number): Map<string, Uint8Array> {
  const rows = stmt(db, "SELECT part, bytes FROM fingerprint_parts WHERE model_id = ?").all(id) as Array<{ part: string; bytes: Uint8Array }>;
  rows.sort((a, b) => partOrder(a.part, b.part));
  return new Map(rows.map((r) => [r.part, plainBytes(r.bytes)]));
}

/** A whole fingerprint, decoded (a part written by a newer pedigree is a BadInputError). */
export function loadFingerprint(db: Registry, idOrName: number | string): Fingerprint {
  const id = resolveModel(db, idOrName);
  return decodeFingerprint(loadAllParts(db, id), `${registryFile(db)}: model ${typeof idOrName === "string" ? q(idOrName) : id}`);
}

// ---- candidate search

/** Keys per statement (SQLite takes up to 32766 parameters). */
const BATCH = 500;

/**
 * The registered models sharing the most band keys with `key`, best first (ties by id): counts,
 * per model, the distinct band keys of the query that the model posts. SQLite walks the postings of
 * each query key through the band_key primary key and hands back each batch's model ids as one
 * comma-separated string (group_concat): one value per 500 keys instead of one per posting, which
 * halves the time against fetching rows (~1.3 M postings for a 2000-code query over 10,000 models).
 * Counting happens in a typed array.
 */
export function candidates(db: Registry, key: IndexKey, limit = 10): Candidate[] {
  const keys = bandKeys(key);
  const maxId = Number(stmt(db, "SELECT coalesce(max(id), 0) FROM models").pluck().get());
  if (keys.length === 0 || maxId === 0 || limit <= 0) return [];
  const hits = new Uint32Array(maxId + 1);
  const touched: number[] = [];
  const count = (id: number) => {
    if (id > maxId) return; // a posting without a model (never written so)
    const h = hits[id] as number;
    if (h === 0) touched.push(id);
    hits[id] = h + 1;
  };
  const batch = stmt(db, `SELECT group_concat(model_id) FROM index_postings WHERE band_key IN (${Array.from({ length: BATCH }, () => "?").join(",")})`).pluck();
  const args = new Array<number>(BATCH);
  for (let i = 0; i < keys.length; i += BATCH) {
    for (let j = 0; j < BATCH; j++) args[j] = i + j < keys.length ? (keys[i + j] as number) : -1;
    const ids = batch.get(...args) as string | null;
    if (!ids) continue;
    let v = 0;
    for (let c = 0; c < ids.length; c++) {
      const d = ids.charCodeAt(c);
      if (d === 44) {
        count(v);
        v = 0;
      } else {
        v = v * 10 + d - 48;
      }
    }
    count(v);
  }
  touched.sort((a, b) => (hits[b] as number) - (hits[a] as number) || a - b);
  const out: Candidate[] = [];
  const name = stmt(db, "SELECT name FROM models WHERE id = ?").pluck();
  for (const id of touched) {
    if (out.length >= limit) break;
    const n = name.get(id) as string | undefined;
    if (n !== undefined) out.push({ id, name: n, hits: hits[id] as number });
  }
  return out;
}
