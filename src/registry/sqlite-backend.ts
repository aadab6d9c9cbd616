/**
 * @module registry/sqlite-backend
 * The registry interface (backend.ts) over an open SQLite registry: the synchronous store's
 * functions, each answered at once. `load` holds one IMMEDIATE transaction across the awaits of
 * its source (nothing else uses the connection meanwhile: it belongs to this backend).
 */
import { BEHAVIOUR_PART } from "../fingerprint/codec.js";
import type { Fingerprint, IndexKey } from "../fingerprint/types.js";
import { BadInputError, PedigreeError, q } from "../errors.js";
import type { IncomingModel, IssuedRow, LoadResult, RegistryBackend, StoredBehaviour, StoredModel } from "./backend.js";
import type { ModelMeta } from "./metadata.js";
import { listIssued, recordIssued } from "./issued.js";
import { registryError, registryFile, type Registry } from "./open.js";
import { candidates, count, deleteModel, get, insertModel, list, loadAllParts, names, recordRow, register, remove, type Candidate } from "./store.js";

export function issuedRows(db: Registry, id: number): IssuedRow[] {
  const rows = db.prepare("SELECT recipient, key_sha256, scheme, strength, issued_at, file_sha256 FROM issued_copies WHERE model_id = ? ORDER BY id").all(id) as Array<Record<string, string | number>>;
  return rows.map((r) => ({ recipient: String(r.recipient), keySha256: String(r.key_sha256), scheme: String(r.scheme), strength: Number(r.strength), issuedAt: String(r.issued_at), fileSha256: String(r.file_sha256) }));
}

export function insertIssued(db: Registry, id: number, rows: readonly IssuedRow[]): void {
  const ins = db.prepare("INSERT INTO issued_copies (model_id, recipient, key_sha256, scheme, strength, issued_at, file_sha256) VALUES (?, ?, ?, ?, ?, ?, ?)");
  for (const c of rows) ins.run(id, c.recipient, c.keySha256, c.scheme, c.strength, c.issuedAt, c.fileSha256);
}

/** Adds one incoming model in the caller's transaction (replacing one of its name when `replace`); true when it replaced one. */
export function addIncoming(db: Registry, m: IncomingModel, replace: boolean, where: string): boolean {
  const existing = db.prepare("SELECT id FROM models WHERE name = ?").pluck().get(m.meta.name) as number | undefined;
  if (existing !== undefined) {
    if (!replace) throw new BadInputError(where, `a model named ${q(m.meta.name)} is already registered in ${registryFile(db)} (use --replace to overwrite it)`);
    deleteModel(db, existing);
  }
  const id = insertModel(db, m.stored, m.meta, m.registeredAt, m.id);
  insertIssued(db, id, m.issued ?? []);
  return existing !== undefined;
}

export class SqliteBackend implements RegistryBackend {
  readonly kind = "sqlite";
  readonly name: string;
  constructor(readonly db: Registry, private readonly owned: boolean) {
    this.name = registryFile(db);
  }

  async count(): Promise<number> {
    return count(this.db);
  }
  async list() {
    return list(this.db);
  }
  async get(name: string) {
    return get(this.db, name);
  }
  async register(fp: Fingerprint, meta: ModelMeta, registeredAt?: string) {
    if (get(this.db, meta.name)) throw new PedigreeError("conflict", `a model named ${q(meta.name)} is already registered in ${this.name} (remove it first, or choose another --name)`);
    return register(this.db, fp, meta, { registeredAt });
  }
  async remove(name: string) {
    return remove(this.db, name);
  }
  async issued(model: string): Promise<IssuedRow[]> {
    return listIssued(this.db, model);
  }
  async issue(model: string, row: IssuedRow, replace: boolean): Promise<void> {
    recordIssued(this.db, { model, ...row }, replace);
  }
  async candidates(key: IndexKey, limit: number): Promise<Candidate[]> {
    return candidates(this.db, key, limit);
  }
  async namesLike(): Promise<Array<{ id: number; name: string }>> {
    return names(this.db);
  }
  async ids(): Promise<number[]> {
    return this.db.prepare("SELECT id FROM models ORDER BY id").pluck().all() as number[];
  }
  async models(ids: readonly number[]): Promise<StoredModel[]> {
    return ids.flatMap((id) => {
      const r = recordRow(this.db, id);
      return r ? [{ ...r, parts: loadAllParts(this.db, id), issued: issuedRows(this.db, id) }] : [];
    });
  }
  async behaviours(): Promise<StoredBehaviour[]> {
    // the literal part name lets SQLite use the partial index fingerprint_parts_behaviour
    const rows = this.db.prepare(`SELECT m.id, m.name, json_extract(m.summary_json, '$.parameters') AS parameters, p.bytes FROM fingerprint_parts p
      JOIN models m ON m.id = p.model_id WHERE p.part = '${BEHAVIOUR_PART}' ORDER BY m.id`).all() as Array<{ id: number; name: string; parameters: number; bytes: Buffer }>;
    return rows.map((r) => ({ id: r.id, name: r.name, parameters: Number(r.parameters), bytes: new Uint8Array(r.bytes) }));
  }
  async load(models: AsyncIterable<IncomingModel> | Iterable<IncomingModel>, opts: { replace?: boolean; where?: (m: IncomingModel, i: number) => string }): Promise<LoadResult> {
    const result: LoadResult = { imported: 0, replaced: 0, names: [] };
    this.db.exec("BEGIN IMMEDIATE");
    try {
      let i = 0;
      for await (const m of models) {
        if (addIncoming(this.db, m, !!opts.replace, opts.where?.(m, i) ?? this.name)) result.replaced++;
        result.imported++;
        result.names.push(m.meta.name);
        i++;
      }
      this.db.exec("COMMIT");
    } catch (e) {
      if (this.db.inTransaction) this.db.exec("ROLLBACK");
      throw registryError(this.name, e);
    }
    return result;
  }
  async close(): Promise<void> {
    if (this.owned) this.db.close();
  }
}
