/**
 * @module registry/backend
 * One registry interface over both stores: the SQLite file (sqlite-backend.ts, the embedded
 * default, over the synchronous store.ts) and a Postgres database (pg-backend.ts). Same records,
 * same semantics: a model is registered, replaced or removed whole or not at all, names are unique,
 * ids grow in registration order. Everything is async, so the api/ functions work on either; the
 * synchronous core (scan, tree, trace) runs on a working set (working-set.ts) fetched through it.
 */
import type { Fingerprint, IndexKey } from "../fingerprint/types.js";
import type { ModelMeta } from "./metadata.js";
import type { Candidate, ModelEntry, ModelListing, ModelRecord, StoredFingerprint } from "./store.js";

/** An issued_copies row of one model, as stored. */
export interface IssuedRow {
  recipient: string;
  keySha256: string;
  scheme: string;
  strength: number;
  issuedAt: string;
  fileSha256: string;
}

/** Everything stored for one model, exactly: for working sets and for copying between registries. */
export interface StoredModel {
  record: ModelRecord;
  /** The summary column's JSON text, byte for byte. */
  summaryJson: string;
  /** Every fingerprint part, in reading order. */
  parts: Map<string, Uint8Array>;
  issued: IssuedRow[];
}

/** A model to add: what an import line or a copied model carries. */
export interface IncomingModel {
  meta: ModelMeta;
  stored: StoredFingerprint;
  registeredAt: string;
  /** Keep this id (copying into an empty registry keeps every id). */
  id?: number;
  issued?: IssuedRow[];
}

/** A model's behavioural fingerprint part, as stored, with what choosing controls needs. */
export interface StoredBehaviour {
  id: number;
  name: string;
  /** The parameter count of the model's weights (its fingerprint summary). */
  parameters: number;
  bytes: Uint8Array;
}

export interface LoadResult {
  imported: number;
  replaced: number;
  names: string[];
}

export interface RegistryBackend {
  readonly kind: "sqlite" | "postgres";
  /** The file, or the URL with its password redacted: for messages and documents. */
  readonly name: string;
  count(): Promise<number>;
  /** Every model's listing, by name. */
  list(): Promise<ModelListing[]>;
  get(name: string): Promise<ModelEntry | undefined>;
  /** Registers in one transaction; a name already taken is a conflict and changes nothing. */
  register(fp: Fingerprint, meta: ModelMeta, registeredAt?: string): Promise<ModelEntry>;
  /** Removes a model and everything of it; an unknown name is a not-found error. */
  remove(name: string): Promise<ModelRecord>;
  /** The models posting the most of `key`'s band keys, best first, ties by id (store.ts's rule). */
  candidates(key: IndexKey, limit: number): Promise<Candidate[]>;
  /** Ids and names of the models whose name may match one of `names` (a superset; callers filter). */
  namesLike(names: readonly string[]): Promise<Array<{ id: number; name: string }>>;
  /** Every model id, ascending. */
  ids(): Promise<number[]>;
  /** Everything stored for these models (unknown ids left out), in the order given. */
  models(ids: readonly number[]): Promise<StoredModel[]>;
  /** Every model holding a behavioural fingerprint part, ascending id (an index finds them: no other part is read). */
  behaviours(): Promise<StoredBehaviour[]>;
  /**
   * Adds models in one transaction, all or none; a name already registered is a bad-input error
   * (`where` of the model) unless `replace`. `check` is called before each model is written.
   */
  load(models: AsyncIterable<IncomingModel> | Iterable<IncomingModel>, opts: { replace?: boolean; where?: (m: IncomingModel, i: number) => string }): Promise<LoadResult>;
  /** The copies of a model issued so far, by recipient; an unknown model is a not-found error. */
  issued(model: string): Promise<IssuedRow[]>;
  /**
   * Records a copy of `model` issued to `row.recipient`, in one transaction; a recipient already
   * holding a copy is a usage error unless `replace` (which replaces it).
   */
  issue(model: string, row: IssuedRow, replace: boolean): Promise<void>;
  /** Runs `fn` on a read-only view of one snapshot (server registries; a SQLite file's export has its own). */
  snapshot?<T>(fn: (view: RegistryBackend) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
