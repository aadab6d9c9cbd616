/**
 * Postgres for tests: each test file gets databases of its own, created on the cluster that
 * `$PEDIGREE_TEST_PG` names (a `postgres://` URL of a role allowed to create databases; `.ci/run`
 * starts one) or, without it, on a throwaway cluster this process starts from the Postgres
 * binaries on the machine (initdb in a temporary folder, 127.0.0.1 on a free port, stopped and
 * removed when the process exits). Neither available is an error, never a skip: the tests that
 * need Postgres must really run.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

/** The folder holding initdb, pg_ctl and postgres, or undefined when none is installed. */
export function postgresBin(): string | undefined {
  const onPath = spawnSync("sh", ["-c", "command -v pg_ctl"], { encoding: "utf8" }).stdout.trim();
  if (onPath && existsSync(join(onPath, "..", "initdb"))) return join(onPath, "..");
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "pg_ctl"))).sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], "bin");
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => (typeof a === "object" && a ? resolve(a.port) : reject(new Error("no port"))));
    });
  });
}

/** Postgres refuses to run as root: as root, run its binaries as this unprivileged user. */
function unprivileged(): { user: string; uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const user of ["postgres", "nobody"]) {
    const r = spawnSync("id", ["-u", user], { encoding: "utf8" });
    const g = spawnSync("id", ["-g", user], { encoding: "utf8" });
    if (r.status === 0 && g.status === 0) return { user, uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
  }
  throw new Error("running as root, and neither a postgres nor a nobody user exists to run Postgres as");
}

function run(bin: string, args: string[], as: ReturnType<typeof unprivileged>): void {
  const cmd = as ? "runuser" : bin;
  const full = as ? ["-u", as.user, "--", bin, ...args] : args;
  execFileSync(cmd, full, { stdio: ["ignore", "pipe", "pipe"] });
}

export interface Cluster {
  /** URL of the cluster's `postgres` database, as a superuser. */
  url: string;
  stop(): void;
  /** Restarts the server at once (pg_ctl -m immediate: connections cut, as in a crash), same port. */
  restart(): void;
}

/** Starts a throwaway cluster (initdb, pg_ctl start); `stop()` stops it and removes its folder. */
export async function startCluster(bin: string): Promise<Cluster> {
  const as = unprivileged();
  const dir = mkdtempSync(join(tmpdir(), "pedigree-pg-"));
  if (as) chownSync(dir, as.uid, as.gid);
  const data = join(dir, "data");
  const port = await freePort();
  let started = false;
  const stop = () => {
    if (started) spawnSync(as ? "runuser" : join(bin, "pg_ctl"), [...(as ? ["-u", as.user, "--", join(bin, "pg_ctl")] : []), "-D", data, "-m", "immediate", "-w", "stop"], { stdio: "ignore" });
    started = false;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    run(join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"], as);
    const opts = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c max_connections=200`;
    run(join(bin, "pg_ctl"), ["-D", data, "-l", join(dir, "log"), "-o", opts, "-w", "start"], as);
    started = true;
  } catch (e) {
    stop();
    throw new Error(`cannot start a throwaway Postgres cluster from ${bin}: ${(e as { stderr?: Buffer }).stderr?.toString().trim() || (e as Error).message}`, { cause: e });
  }
  const opts = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c max_connections=200`;
  const restart = () => run(join(bin, "pg_ctl"), ["-D", data, "-l", join(dir, "log"), "-o", opts, "-m", "immediate", "-w", "restart"], as);
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop, restart };
}

let cluster: Promise<string> | undefined;

/** The URL of a cluster to create test databases on: $PEDIGREE_TEST_PG, else one started here. */
export function testCluster(): Promise<string> {
  if (cluster) return cluster;
  const given = process.env.PEDIGREE_TEST_PG;
  if (given) return (cluster = Promise.resolve(given));
  const bin = postgresBin();
  if (!bin) throw new Error("these tests need Postgres: set PEDIGREE_TEST_PG to a postgres:// URL, or install Postgres (Debian: apt-get install postgresql)");
  cluster = startCluster(bin).then((c) => {
    process.on("exit", c.stop);
    return c.url;
  });
  return cluster;
}

/** `url` with its database replaced by `db`. */
export function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

export interface TestDatabase {
  url: string;
  /** Drops the database (closing every connection still open on it). */
  drop(): Promise<void>;
}

/** A new, empty database of its own on the test cluster. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const base = await testCluster();
  const name = `pedigree_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(base, name),
    drop: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
