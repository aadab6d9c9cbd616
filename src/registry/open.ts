/**
 * @module registry/open
 * Opening the registry of known models: a SQLite file, by default in the user's data directory
 * (`$PEDIGREE_REGISTRY`, else `$XDG_DATA_HOME/pedigree/registry.db`, else
 * `~/.local/share/pedigree/registry.db`).
 *
 * Durability: WAL journal with `synchronous = FULL`. A transaction is either wholly in the file or
 * not at all whenever the process dies (WAL alone guarantees that, with NORMAL too); FULL also
 * fsyncs the log at each commit, so a model pedigree has said is registered stays registered across
 * a power cut or an OS crash, which NORMAL does not promise. It costs one fsync per commit: nothing
 * next to computing a fingerprint, and an import is one commit.
 * Concurrency: WAL lets readers run while one process writes; writers take the lock up front
 * (IMMEDIATE transactions) and wait up to BUSY_TIMEOUT_MS for each other.
 *
 * A file that is not SQLite, is some other SQLite database, fails `PRAGMA quick_check`, or was
 * written by a newer schema is refused with a BadInputError naming it, and is never written to.
 * quick_check reads every page (~3 ms per MB: 6 s for 10,000 models), so by default it runs whole
 * only on files up to QUICK_CHECK_MAX_BYTES; a larger file gets the check of its `models` table and
 * a truncation check, and damage found later, when a page is read, is the same one-line error
 * (registryError). `check: "full"` always runs the whole quick_check.
 */
import Database from "better-sqlite3";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { BadInputError, PedigreeError } from "../errors.js";
import { readRegularFile } from "../io/regular-file.js";
import { isPostgresUrl, redact, URL_LIKE } from "./location.js";
import { APPLICATION_ID, checkVersion, migrate } from "./migrations.js";

export type Registry = Database.Database;

export const BUSY_TIMEOUT_MS = 10_000;

/** Each open registry's file (the in-memory stand-in for a missing file included). */
const files = new WeakMap<Registry, string>();

export interface OpenOptions {
  /**
   * When the file does not exist: create it (default), or — `false`, for commands that only read or
   * remove — refuse with a not-found error naming it, and create nothing.
   */
  create?: boolean;
  /**
   * Open for reading only: nothing is written (no WAL switch, no migration), so a registry in a
   * read-only folder or on a read-only mount can be listed, shown and scanned against. Implies
   * `create: false`.
   */
  readOnly?: boolean;
  /**
   * "auto" (default): `PRAGMA quick_check` of the whole file up to QUICK_CHECK_MAX_BYTES, else of
   * the models table plus a truncation check; "full": always the whole file; "none": header only.
   */
  check?: "auto" | "full" | "none";
}

export const QUICK_CHECK_MAX_BYTES = 128 << 20;

/** Where the registry lives when no path is given. */
export function defaultRegistryPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PEDIGREE_REGISTRY) {
    checkRegistryPath(env.PEDIGREE_REGISTRY);
    return resolve(env.PEDIGREE_REGISTRY);
  }
  const data = env.XDG_DATA_HOME && env.XDG_DATA_HOME.startsWith("/") ? env.XDG_DATA_HOME : join(homedir(), ".local", "share");
  return join(data, "pedigree", "registry.db");
}

const CORRUPT = new Set(["SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_CORRUPT_INDEX", "SQLITE_CORRUPT_SEQUENCE", "SQLITE_CORRUPT_VTAB"]);

/** Any error from working on the registry at `file`, as a PedigreeError naming the file. */
export function registryError(file: string, e: unknown): unknown {
  if (e instanceof PedigreeError) return e;
  if (e instanceof Database.SqliteError) {
    const first = e.message.split("\n")[0] ?? e.code;
    if (CORRUPT.has(e.code)) return new BadInputError(file, `not a readable pedigree registry (corrupted or not SQLite: ${first})`, { cause: e });
    if (e.code.startsWith("SQLITE_BUSY") || e.code.startsWith("SQLITE_LOCKED")) return new BadInputError(file, `registry is busy: another process kept it locked for ${BUSY_TIMEOUT_MS / 1000} s; try again`, { cause: e });
    if (e.code.startsWith("SQLITE_FULL")) return new BadInputError(file, "disk full while writing the registry (nothing was changed)", { cause: e });
    if (e.code.startsWith("SQLITE_READONLY") || e.code.startsWith("SQLITE_CANTOPEN") || e.code.startsWith("SQLITE_PERM") || e.code.startsWith("SQLITE_IOERR")) {
      return new BadInputError(file, `cannot use the registry file (${e.code}: ${first})`, { cause: e });
    }
    return new PedigreeError("internal", `registry error ${e.code}: ${first}`, file, { cause: e });
  }
  return e;
}

function quickCheck(db: Registry, file: string, table?: string): void {
  const rows = db.pragma(table ? `quick_check(${table})` : "quick_check(1)", { simple: false }) as Array<Record<string, unknown>>;
  const first = String(Object.values(rows[0] ?? {})[0] ?? "no answer");
  if (first !== "ok") throw new BadInputError(file, `registry is corrupted (quick_check: ${first.split("\n")[0]})`);
}

function checkFile(db: Registry, file: string, check: NonNullable<OpenOptions["check"]>): void {
  // the first read of the header and schema fails with NOTADB on a file that is not SQLite
  const objects = Number(db.prepare("SELECT count(*) FROM sqlite_schema").pluck().get());
  const app = Number(db.pragma("application_id", { simple: true }));
  if (app !== APPLICATION_ID && (app !== 0 || objects > 0)) throw new BadInputError(file, "is a SQLite database but not a pedigree registry");
  checkVersion(db, file);
  if (check === "none" || objects === 0) return;
  const size = statSync(file).size;
  if (check === "full" || size <= QUICK_CHECK_MAX_BYTES) return quickCheck(db, file);
  // large file: the header's page count against the file (unless pages may still sit in the log)
  const wal = `${file}-wal`;
  const expected = Number(db.pragma("page_count", { simple: true })) * Number(db.pragma("page_size", { simple: true }));
  if ((!existsSync(wal) || statSync(wal).size === 0) && size < expected) throw new BadInputError(file, `registry is truncated (${size} bytes of ${expected})`);
  quickCheck(db, file, "models");
}

/**
 * A URL given where a SQLite file is opened is refused, never taken for a local path: a postgres://
 * URL reaches here only from what does not work on Postgres yet (connect.ts opens it otherwise).
 */
export function checkRegistryPath(path: string): void {
  if (URL_LIKE.test(path)) {
    const scheme = path.slice(0, path.indexOf(":"));
    const why = isPostgresUrl(path) ? "this command does not work on a postgres registry yet: give the path of a local registry file" : `${scheme} registries are not supported: give the path of a local registry file or a postgres:// URL`;
    throw new PedigreeError("unsupported", why, redact(path));
  }
}

/** An empty registry in memory named `name` (a working set fetched from another registry). */
export function memoryRegistry(name: string): Registry {
  const db = new Database(":memory:");
  db.pragma("foreign_keys = ON");
  migrate(db, name);
  files.set(db, name);
  return db;
}

/**
 * Read-only: SQLite opens a WAL-mode file read-only only where it can create the -shm index beside
 * it; in a read-only folder it cannot (SQLITE_READONLY_DIRECTORY), and then the file is read into
 * memory whole and opened from there (a consistent snapshot; nothing is ever written).
 */
function openReadOnly(file: string, check: NonNullable<OpenOptions["check"]>): Registry {
  let db: Registry | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    checkFile(db, file, check);
  } catch (e) {
    db?.close();
    db = undefined;
    const code = e instanceof Database.SqliteError ? e.code : "";
    if (!code.startsWith("SQLITE_READONLY") && !code.startsWith("SQLITE_CANTOPEN")) throw registryError(file, e);
  }
  if (!db) {
    try {
      const bytes = readRegularFile(file, Number.MAX_SAFE_INTEGER, "registry");
      // header bytes 18-19 say "WAL" (2); an in-memory copy reads as a rollback-journal file (1)
      if (bytes.length >= 20 && bytes[18] === 2 && bytes[19] === 2) bytes[18] = bytes[19] = 1;
      db = new Database(bytes, { readonly: true });
      checkFile(db, file, check);
    } catch (e) {
      db?.close();
      throw registryError(file, e);
    }
  }
  files.set(db, file);
  return db;
}

/** Opens (creating and migrating when needed) the registry at `path`. */
export function openRegistry(path: string = defaultRegistryPath(), opts: OpenOptions = {}): Registry {
  checkRegistryPath(path);
  const file = resolve(path);
  const exists = existsSync(file);
  if (exists && statSync(file).isDirectory()) throw new BadInputError(file, "is a directory, not a registry file");
  if (!exists && (opts.create === false || opts.readOnly)) throw new PedigreeError("not-found", "no registry here; `pedigree register` makes one", file);
  if (opts.readOnly) return openReadOnly(file, opts.check ?? "auto");
  if (!exists) {
    try {
      mkdirSync(dirname(file), { recursive: true });
    } catch (e) {
      throw new BadInputError(file, `cannot create the registry's folder: ${(e as Error).message}`);
    }
  }
  let db: Registry;
  try {
    db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
  } catch (e) {
    throw registryError(file, e);
  }
  try {
    checkFile(db, file, opts.check ?? "auto");
    const mode = String(db.pragma("journal_mode = WAL", { simple: true }));
    if (mode !== "wal") throw new BadInputError(file, `cannot use a write-ahead log here (journal mode stays ${mode})`);
    db.pragma("synchronous = FULL");
    db.pragma("foreign_keys = ON");
    db.pragma("cache_size = -65536");
    migrate(db, file);
    files.set(db, file);
    return db;
  } catch (e) {
    db.close();
    throw registryError(file, e);
  }
}

/** The file an open registry stands for (also when it is the empty in-memory stand-in). */
export function registryFile(db: Registry): string {
  return files.get(db) ?? db.name;
}

/**
 * Opens the registry, runs `fn`, closes it; SQLite errors become one-line PedigreeErrors naming the
 * file.
 */
export async function withRegistry<T>(path: string | undefined, opts: OpenOptions, fn: (db: Registry, file: string) => T | Promise<T>): Promise<T> {
  if (path !== undefined) checkRegistryPath(path);
  const file = resolve(path ?? defaultRegistryPath());
  const db = openRegistry(file, opts);
  try {
    return await fn(db, file);
  } catch (e) {
    throw registryError(file, e);
  } finally {
    db.close();
  }
}
