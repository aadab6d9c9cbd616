/**
 * @module registry/pg-backend
 * The registry interface (backend.ts) on a Postgres database: the SQLite store's records and rules
 * in SQL (pg-migrations.ts has the schema). A registration, removal or load is one transaction;
 * names are unique (a race between two registrations of one name leaves one and a conflict);
 * listings order names by code point (COLLATE "C"), as SQLite does.
 */
import type pg from "pg";
import { BEHAVIOUR_PART, decodeMeta, encodeFingerprint } from "../fingerprint/codec.js";
import type { Fingerprint, IndexKey } from "../fingerprint/types.js";
import { BadInputError, PedigreeError, q, UsageError } from "../errors.js";
import type { IncomingModel, IssuedRow, LoadResult, RegistryBackend, StoredBehaviour, StoredModel } from "./backend.js";
import { bandKeys } from "./band-keys.js";
import { alreadyIssued } from "./issued.js";
import { metaProblem, type ModelMeta } from "./metadata.js";
import { pgCandidates } from "./pg-candidates.js";
import { pgError } from "./pg-connect.js";
import { partOrder, plainBytes, record, RECORD_COLUMNS, summaryOf, type Candidate, type ModelEntry, type ModelListing, type ModelRecord, type RecordRow, type StoredFingerprint } from "./store.js";

const LISTING = `${RECORD_COLUMNS},
  summary_json::jsonb ->> 'format' AS format, summary_json::jsonb ->> 'architecture' AS architecture,
  (summary_json::jsonb ->> 'parameters')::float8 AS parameters, (summary_json::jsonb #>> '{params,nLayers}')::float8 AS layers,
  (summary_json::jsonb #>> '{params,dim}')::float8 AS dim`;

type Tx = pg.PoolClient;

export class PgBackend implements RegistryBackend {
  readonly kind = "postgres";
  /** `pool`: a pool, or — for a read snapshot — one client inside a REPEATABLE READ transaction. */
  constructor(private readonly pool: pg.Pool, readonly name: string, private readonly view = false) {}

  /**
   * Runs `fn` on a read-only view of one snapshot of the registry (REPEATABLE READ): an export or
   * copy sees every model as of one moment however long it takes.
   */
  async snapshot<T>(fn: (view: RegistryBackend) => Promise<T>): Promise<T> {
    if (this.view) return fn(this);
    return this.onConnection("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", (c) => fn(new PgBackend(c as unknown as pg.Pool, this.name, true)));
  }

  /** Runs `fn` on one pooled connection inside a transaction opened by `begin`: committed when `fn` returns, rolled back when it throws. */
  private async onConnection<T>(begin: string, fn: (c: Tx) => Promise<T>): Promise<T> {
    let c: Tx;
    try {
      c = await this.pool.connect();
    } catch (e) {
      throw pgError(this.name, e);
    }
    try {
      await this.query(begin, [], c);
      const out = await fn(c);
      await this.query("COMMIT", [], c);
      return out;
    } catch (e) {
      await c.query("ROLLBACK").catch(() => undefined);
      throw pgError(this.name, e);
    } finally {
      c.release();
    }
  }

  private async query<R extends pg.QueryResultRow>(sql: string, args: unknown[] = [], c: pg.Pool | Tx = this.pool): Promise<R[]> {
    try {
      return (await c.query<R>(sql, args)).rows;
    } catch (e) {
      throw pgError(this.name, e);
    }
  }

  /** Runs `fn` in one transaction on one connection. */
  async transaction<T>(fn: (c: Tx) => Promise<T>): Promise<T> {
    if (this.view) throw new PedigreeError("internal", "a read snapshot of the registry cannot be written", this.name);
    return this.onConnection("BEGIN", fn);
  }

  async count(): Promise<number> {
    return (await this.query<{ n: number }>("SELECT count(*)::int AS n FROM models"))[0]?.n ?? 0;
  }

  async list(): Promise<ModelListing[]> {
    const rows = await this.query<RecordRow & { format: string; architecture: string; parameters: number; layers: number; dim: number }>(`SELECT ${LISTING} FROM models ORDER BY name COLLATE "C"`);
    return rows.map((r) => ({ ...record(r), format: String(r.format), architecture: String(r.architecture), parameters: Number(r.parameters), layers: Number(r.layers), dim: Number(r.dim) }));
  }

  async get(name: string, c: pg.Pool | Tx = this.pool): Promise<ModelEntry | undefined> {
    const r = (await this.query<RecordRow & { summary_json: string }>(`SELECT ${RECORD_COLUMNS}, summary_json FROM models WHERE name = $1`, [name], c))[0];
    if (!r) return undefined;
    const parts = (await this.query<{ part: string; bytes: number }>("SELECT part, length(bytes) AS bytes FROM fingerprint_parts WHERE model_id = $1", [r.id], c)).sort((a, b) => partOrder(a.part, b.part));
    return { ...record(r), summary: summaryOf(this.name, r.name, r.summary_json), parts, fingerprintBytes: parts.reduce((s, p) => s + p.bytes, 0) };
  }

  async register(fp: Fingerprint, meta: ModelMeta, registeredAt = new Date().toISOString()): Promise<ModelEntry> {
    const stored: StoredFingerprint = { parts: encodeFingerprint(fp), version: fp.version, summary: fp.summary, index: fp.index };
    const taken = () => new PedigreeError("conflict", `a model named ${q(meta.name)} is already registered in ${this.name} (remove it first, or choose another --name)`);
    try {
      return await this.transaction(async (c) => {
        if ((await this.query("SELECT 1 FROM models WHERE name = $1", [meta.name], c)).length > 0) throw taken();
        await this.insert(c, { meta, stored, registeredAt });
        return (await this.get(meta.name, c)) as ModelEntry;
      });
    } catch (e) {
      // registered by another process between the check and the insert: the unique name decides
      throw e instanceof PedigreeError && e.code === "conflict" ? taken() : e;
    }
  }

  /** Inserts one model, its parts, its index entries and issued copies; returns its id. */
  private async insert(c: Tx, m: IncomingModel): Promise<number> {
    const { meta, stored: fp } = m;
    const problem = metaProblem(meta);
    if (problem) throw new UsageError(problem);
    if (!fp.parts.has("meta")) throw new UsageError("a fingerprint without its meta part cannot be registered");
    const keys = bandKeys(fp.index);
    const [row] = await this.query<{ id: number }>(
      `INSERT INTO models (id, name, owner, tier, license, declared_base, released, registered_at, fingerprint_version, summary_json, recipients_json, notes, part_count, posting_count)
       VALUES (coalesce($1, nextval(pg_get_serial_sequence('models', 'id'))), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
      [m.id ?? null, meta.name, meta.owner, meta.tier, meta.license ?? null, meta.declaredBase ?? null, meta.released ?? null, m.registeredAt, fp.version,
        fp.summaryJson ?? JSON.stringify(fp.summary), meta.tier === "gated" ? JSON.stringify(meta.recipients ?? []) : null, meta.notes ?? null, fp.parts.size, keys.length], c);
    const id = (row as { id: number }).id;
    const names = [...fp.parts.keys()];
    await this.query("INSERT INTO fingerprint_parts (model_id, part, bytes) SELECT $1, p, b FROM unnest($2::text[], $3::bytea[]) AS t (p, b)",
      [id, names, names.map((n) => Buffer.from((fp.parts.get(n) as Uint8Array).buffer, (fp.parts.get(n) as Uint8Array).byteOffset, (fp.parts.get(n) as Uint8Array).byteLength))], c);
    // keys ascending: concurrent registrations lock shared lists in one order, so never deadlock
    await this.query(`INSERT INTO index_lists (band_key, model_ids) SELECT k, ARRAY[$1::int] FROM unnest($2::int[]) AS k ORDER BY k
      ON CONFLICT (band_key) DO UPDATE SET model_ids = index_lists.model_ids || excluded.model_ids`, [id, Array.from(keys)], c);
    const issued = m.issued ?? [];
    if (issued.length > 0) {
      await this.query(`INSERT INTO issued_copies (model_id, recipient, key_sha256, scheme, strength, issued_at, file_sha256)
        SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::float8[], $6::text[], $7::text[])`,
        [id, issued.map((i) => i.recipient), issued.map((i) => i.keySha256), issued.map((i) => i.scheme), issued.map((i) => i.strength), issued.map((i) => i.issuedAt), issued.map((i) => i.fileSha256)], c);
    }
    return id;
  }

  /** Deletes one model and takes its id out of its keys' lists. */
  private async delete(c: Tx, id: number): Promise<void> {
    const [meta] = await this.query<{ bytes: Buffer }>("SELECT bytes FROM fingerprint_parts WHERE model_id = $1 AND part = 'meta'", [id], c);
    let keys: Int32Array | undefined;
    try {
      keys = meta ? bandKeys(decodeMeta(plainBytes(meta.bytes)).index) : undefined;
    } catch {
      keys = undefined; // a meta part this pedigree cannot read: every list is searched below
    }
    if (keys) await this.query("UPDATE index_lists SET model_ids = array_remove(model_ids, $1) WHERE band_key = ANY($2::int[])", [id, Array.from(keys)], c);
    else await this.query("UPDATE index_lists SET model_ids = array_remove(model_ids, $1) WHERE $1 = ANY(model_ids)", [id], c);
    await this.query("DELETE FROM index_lists WHERE band_key = ANY($1::int[]) AND cardinality(model_ids) = 0", [Array.from(keys ?? [])], c);
    await this.query("DELETE FROM models WHERE id = $1", [id], c);
  }

  async remove(name: string): Promise<ModelRecord> {
    return this.transaction(async (c) => {
      const [r] = await this.query<RecordRow>(`SELECT ${RECORD_COLUMNS} FROM models WHERE name = $1 FOR UPDATE`, [name], c);
      if (!r) throw new PedigreeError("not-found", `no model named ${q(name)} in the registry`, this.name);
      await this.delete(c, r.id);
      return record(r);
    });
  }

  private async modelId(name: string, c: pg.Pool | Tx, lock = false): Promise<number> {
    const [r] = await this.query<{ id: number }>(`SELECT id FROM models WHERE name = $1${lock ? " FOR UPDATE" : ""}`, [name], c);
    if (!r) throw new PedigreeError("not-found", `no model named ${q(name)} in the registry`, this.name);
    return r.id;
  }

  async issued(model: string): Promise<IssuedRow[]> {
    const id = await this.modelId(model, this.pool);
    const rows = await this.query<{ recipient: string; key_sha256: string; scheme: string; strength: number; issued_at: string; file_sha256: string }>(
      `SELECT recipient, key_sha256, scheme, strength, issued_at, file_sha256 FROM issued_copies WHERE model_id = $1 ORDER BY recipient COLLATE "C"`, [id]);
    return rows.map((i) => ({ recipient: i.recipient, keySha256: i.key_sha256, scheme: i.scheme, strength: Number(i.strength), issuedAt: i.issued_at, fileSha256: i.file_sha256 }));
  }

  async issue(model: string, row: IssuedRow, replace: boolean): Promise<void> {
    await this.transaction(async (c) => {
      // the model's row is locked: two issues to one recipient serialise, and the second sees the first
      const id = await this.modelId(model, c, true);
      const seen = await this.query("SELECT 1 FROM issued_copies WHERE model_id = $1 AND recipient = $2", [id, row.recipient], c);
      if (seen.length > 0 && !replace) throw alreadyIssued(model, row.recipient);
      await this.query("DELETE FROM issued_copies WHERE model_id = $1 AND recipient = $2", [id, row.recipient], c);
      await this.query("INSERT INTO issued_copies (model_id, recipient, key_sha256, scheme, strength, issued_at, file_sha256) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        [id, row.recipient, row.keySha256, row.scheme, row.strength, row.issuedAt, row.fileSha256], c);
    });
  }

  async candidates(key: IndexKey, limit: number): Promise<Candidate[]> {
    try {
      return await pgCandidates(this.pool, key, limit);
    } catch (e) {
      throw pgError(this.name, e);
    }
  }

  async namesLike(wanted: readonly string[]): Promise<Array<{ id: number; name: string }>> {
    const tails = wanted.map((w) => w.trim().toLowerCase().replace(/\/+$/, "")).map((w) => w.slice(w.lastIndexOf("/") + 1)).filter((t) => t !== "");
    if (tails.length === 0) return [];
    const like = tails.map((t) => `%${t.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`);
    return this.query<{ id: number; name: string }>("SELECT id, name FROM models WHERE lower(name) LIKE ANY($1::text[])", [like]);
  }

  async ids(): Promise<number[]> {
    return (await this.query<{ id: number }>("SELECT id FROM models ORDER BY id")).map((r) => r.id);
  }

  async behaviours(): Promise<StoredBehaviour[]> {
    // the literal part name lets Postgres use the partial index fingerprint_parts_behaviour
    const rows = await this.query<{ id: number; name: string; parameters: number; bytes: Buffer }>(`SELECT m.id, m.name, (m.summary_json::jsonb ->> 'parameters')::float8 AS parameters, p.bytes
      FROM fingerprint_parts p JOIN models m ON m.id = p.model_id WHERE p.part = '${BEHAVIOUR_PART}' ORDER BY m.id`);
    return rows.map((r) => ({ id: r.id, name: r.name, parameters: Number(r.parameters), bytes: plainBytes(r.bytes) }));
  }

  async models(ids: readonly number[]): Promise<StoredModel[]> {
    const want = Array.from(ids);
    const rows = await this.query<RecordRow & { summary_json: string }>(`SELECT ${RECORD_COLUMNS}, summary_json FROM models WHERE id = ANY($1::int[])`, [want]);
    const parts = await this.query<{ model_id: number; part: string; bytes: Buffer }>("SELECT model_id, part, bytes FROM fingerprint_parts WHERE model_id = ANY($1::int[])", [want]);
    const issued = await this.query<{ model_id: number; recipient: string; key_sha256: string; scheme: string; strength: number; issued_at: string; file_sha256: string }>(
      "SELECT model_id, recipient, key_sha256, scheme, strength, issued_at, file_sha256 FROM issued_copies WHERE model_id = ANY($1::int[]) ORDER BY id", [want]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return want.flatMap((id) => {
      const r = byId.get(id);
      if (!r) return [];
      const own = parts.filter((p) => p.model_id === id).sort((a, b) => partOrder(a.part, b.part));
      const iss: IssuedRow[] = issued.filter((i) => i.model_id === id).map((i) => ({ recipient: i.recipient, keySha256: i.key_sha256, scheme: i.scheme, strength: Number(i.strength), issuedAt: i.issued_at, fileSha256: i.file_sha256 }));
      return [{ record: record(r), summaryJson: r.summary_json, parts: new Map(own.map((p) => [p.part, plainBytes(p.bytes)])), issued: iss }];
    });
  }

  async load(models: AsyncIterable<IncomingModel> | Iterable<IncomingModel>, opts: { replace?: boolean; where?: (m: IncomingModel, i: number) => string }): Promise<LoadResult> {
    return this.transaction(async (c) => {
      const result: LoadResult = { imported: 0, replaced: 0, names: [] };
      let i = 0;
      let explicitIds = false;
      for await (const m of models) {
        const [existing] = await this.query<{ id: number }>("SELECT id FROM models WHERE name = $1 FOR UPDATE", [m.meta.name], c);
        if (existing) {
          if (!opts.replace) throw new BadInputError(opts.where?.(m, i) ?? this.name, `a model named ${q(m.meta.name)} is already registered in ${this.name} (use --replace to overwrite it)`);
          await this.delete(c, existing.id);
          result.replaced++;
        }
        await this.insert(c, m);
        explicitIds ||= m.id !== undefined;
        result.imported++;
        result.names.push(m.meta.name);
        i++;
      }
      if (explicitIds) await this.query("SELECT setval(pg_get_serial_sequence('models', 'id'), greatest(1, (SELECT max(id) FROM models)))", [], c);
      return result;
    });
  }

  async close(): Promise<void> {
    if (!this.view) await this.pool.end().catch(() => undefined);
  }
}
