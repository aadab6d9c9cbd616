/**
 * @module registry/migrations
 * The registry's schema as numbered migrations. `PRAGMA user_version` records how many have been
 * applied; `PRAGMA application_id` marks the file as a pedigree registry. Pending migrations run in
 * one IMMEDIATE transaction (all or none), re-reading the version inside it so two processes opening
 * a fresh file at once do not both apply them. A file whose version is newer than this pedigree
 * knows is refused, never written.
 *
 * Schema (version 1):
 * - `models`: one row per registered model. `summary_json` is the fingerprint's summary (format,
 *   architecture, shape, dtypes, files and digests, and what the files declare about themselves:
 *   name, author, licence, base models). `recipients_json` is a JSON array for gated models and NULL
 *   otherwise. `part_count` / `posting_count` say how many `fingerprint_parts` and `index_postings`
 *   rows belong to the model, so a half-written model could be told from a whole one (it never
 *   exists: a model is written in one transaction — the counts are for verification).
 * - `fingerprint_parts`: the encoded fingerprint, one row per part ("meta", "layer.N"), loaded
 *   lazily. A rowid table (not WITHOUT ROWID): its rows are 1-30 KB blobs, which WITHOUT ROWID
 *   b-trees store badly.
 * - `index_postings`: one (band_key, model_id) row per distinct band key of the model's index key
 *   (band-keys.ts), WITHOUT ROWID so the primary key is the table: a posting costs ~8 bytes, and the
 *   key's leading column is the band_key index candidate search walks. It has no foreign key and no
 *   model_id index (which would double its size, and a foreign key without one makes every model
 *   deletion scan the whole table): store.ts deletes a model's postings by their keys.
 *
 * Version 2:
 * - `issued_copies`: one row per marked copy of a model given to a recipient (`pedigree mark`): the
 *   recipient id, the sha256 of the key the mark was made with (never the key), the mark scheme,
 *   strength, date, and the sha256 of the marked file. A recipient holds one copy of a model.
 */
import type Database from "better-sqlite3";
import { BadInputError } from "../errors.js";

/** "PDGR": marks a SQLite file as a pedigree registry. */
export const APPLICATION_ID = 0x50444752;

export const MIGRATIONS: readonly string[] = [
  // 1: models, fingerprint parts, index postings
  `
  CREATE TABLE models (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    owner TEXT NOT NULL,
    tier TEXT NOT NULL CHECK (tier IN ('open', 'gated', 'closed')),
    license TEXT,
    declared_base TEXT,
    released TEXT CHECK (released IS NULL OR (length(released) = 10 AND date(released) IS released)),
    registered_at TEXT NOT NULL,
    fingerprint_version INTEGER NOT NULL CHECK (fingerprint_version >= 1),
    summary_json TEXT NOT NULL CHECK (json_valid(summary_json)),
    recipients_json TEXT CHECK (recipients_json IS NULL OR (tier = 'gated' AND json_valid(recipients_json) AND json_type(recipients_json) = 'array')),
    notes TEXT,
    part_count INTEGER NOT NULL CHECK (part_count >= 1),
    posting_count INTEGER NOT NULL CHECK (posting_count >= 0)
  ) STRICT;

  CREATE TABLE fingerprint_parts (
    model_id INTEGER NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    part TEXT NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (model_id, part)
  ) STRICT;

  CREATE TABLE index_postings (
    band_key INTEGER NOT NULL,
    model_id INTEGER NOT NULL,
    PRIMARY KEY (band_key, model_id)
  ) STRICT, WITHOUT ROWID;
  `,
  // 2: copies issued to recipients, each with its own mark (pedigree mark / trace)
  `
  CREATE TABLE issued_copies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    model_id INTEGER NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    recipient TEXT NOT NULL CHECK (length(recipient) BETWEEN 1 AND 256),
    key_sha256 TEXT NOT NULL CHECK (length(key_sha256) = 64),
    scheme TEXT NOT NULL,
    strength REAL NOT NULL CHECK (strength > 0),
    issued_at TEXT NOT NULL,
    file_sha256 TEXT NOT NULL CHECK (length(file_sha256) = 64),
    UNIQUE (model_id, recipient)
  ) STRICT;
  `,
  // 3: the models holding a behavioural fingerprint, found without reading every model's parts
  `
  CREATE INDEX fingerprint_parts_behaviour ON fingerprint_parts (model_id) WHERE part = 'behaviour';
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

function userVersion(db: Database.Database): number {
  return Number(db.pragma("user_version", { simple: true }));
}

/** Refuses a registry written by a newer pedigree. */
export function checkVersion(db: Database.Database, file: string): number {
  const v = userVersion(db);
  if (v > SCHEMA_VERSION) throw new BadInputError(file, `registry schema version ${v} is newer than this pedigree reads (${SCHEMA_VERSION}): upgrade pedigree`);
  return v;
}

/** Applies pending migrations; returns the number applied. */
export function migrate(db: Database.Database, file: string): number {
  if (checkVersion(db, file) === SCHEMA_VERSION) return 0;
  const run = db.transaction(() => {
    const from = checkVersion(db, file);
    for (let v = from; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v] as string);
    if (from === 0) db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    return SCHEMA_VERSION - from;
  });
  return run.immediate();
}
