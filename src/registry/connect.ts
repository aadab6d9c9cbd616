/**
 * @module registry/connect
 * Opens the registry a location names (location.ts) behind the one interface (backend.ts): a
 * SQLite file through open.ts, a Postgres database through pg-connect.ts — connected, its schema
 * checked, and migrated unless the command only reads. A command that only reads (or removes)
 * never creates a registry: a database without one is a not-found error, as a missing file is.
 */
import { PedigreeError } from "../errors.js";
import type { RegistryBackend } from "./backend.js";
import { registryLocation } from "./location.js";
import { openRegistry, type OpenOptions, type Registry } from "./open.js";
import { PgBackend } from "./pg-backend.js";
import { connectPool, pgError } from "./pg-connect.js";
import { pgMigrate } from "./pg-migrations.js";
import { SqliteBackend } from "./sqlite-backend.js";

export async function openBackend(given: string | undefined, opts: OpenOptions = {}): Promise<RegistryBackend> {
  const loc = registryLocation(given);
  if (loc.kind === "sqlite") return new SqliteBackend(openRegistry(loc.file, opts), true);
  const pool = await connectPool(loc.url, loc.name);
  try {
    const c = await pool.connect();
    try {
      const v = await pgMigrate(c, loc.name, !!opts.readOnly || opts.create === false);
      if (v === 0) throw new PedigreeError("not-found", "no registry in this database; `pedigree register` makes one", loc.name);
    } finally {
      c.release();
    }
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw pgError(loc.name, e);
  }
  return new PgBackend(pool, loc.name);
}

/** An open SQLite registry behind the interface (left open by `close`). */
export function sqliteBackend(db: Registry): RegistryBackend {
  return new SqliteBackend(db, false);
}
