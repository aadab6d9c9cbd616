/**
 * @module registry/pg-connect
 * Connecting to a Postgres registry, and its errors as one-line PedigreeErrors naming the registry
 * by its redacted URL: a server that cannot be reached (refused, unknown host, lost, timed out,
 * shutting down) is "unavailable", a unique name taken meanwhile a "conflict", a check violated
 * "bad-input"; the password never appears, whatever the driver put in its message.
 */
import pg from "pg";
import { PedigreeError } from "../errors.js";
import { redact } from "./location.js";

/** Seconds to wait for a connection before calling the registry unavailable. */
export const CONNECT_TIMEOUT_MS = 10_000;

const NETWORK = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH", "EPIPE"]);

/** Any error from working on the Postgres registry `name`, as a PedigreeError. */
export function pgError(name: string, e: unknown): unknown {
  if (e instanceof PedigreeError) return e;
  if (!(e instanceof Error)) return e;
  const code = String((e as { code?: unknown }).code ?? "");
  const text = redact(e.message.split("\n")[0] ?? "");
  if (NETWORK.has(code) || code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03" || /timeout|terminated|Connection terminated/i.test(e.message)) {
    return new PedigreeError("unavailable", `cannot reach the registry (${code || text})`, name, { cause: e });
  }
  if (code === "3D000") return new PedigreeError("not-found", `no such database (${text})`, name, { cause: e });
  if (code === "28P01" || code === "28000") return new PedigreeError("unavailable", `the registry refused the login (${text})`, name, { cause: e });
  if (code === "23505") return new PedigreeError("conflict", `already in the registry (${text})`, name, { cause: e });
  if (code.startsWith("23") || code.startsWith("22")) return new PedigreeError("bad-input", `the registry refused a value (${text})`, name, { cause: e });
  return new PedigreeError("internal", `registry error ${code || e.name}: ${text}`, name, { cause: e });
}

/** A pool on `url` whose first connection has been made (so an unreachable server fails here). */
export async function connectPool(url: string, name: string, max = 4): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // an idle client's error (the server restarted) must not crash the process: the next query fails instead
  pool.on("error", () => undefined);
  // nor a checked-out client's between two queries (a transaction's): its next query fails, and the
  // pool drops it when it is released
  pool.on("connect", (c) => c.on("error", () => undefined));
  try {
    const c = await pool.connect();
    c.release();
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw pgError(name, e);
  }
  return pool;
}
