/**
 * @module queue/transient
 * Which failures a job retries: the registry unreachable (Postgres restarting, a connection cut)
 * or the worker stopping. Everything else — a file that is not a model, a name registered with
 * other weights, a hub locator not wired in — fails the same way every time, so it is recorded at
 * once instead of retried.
 */
import { PedigreeError } from "../errors.js";
import { pgError } from "../registry/pg-connect.js";

export function isTransient(e: unknown): boolean {
  const cause = e instanceof PedigreeError ? e.cause : e;
  // a database not accepting connections for now (ALTER DATABASE ... ALLOW_CONNECTIONS false), too many connections
  const code = String((cause as { code?: unknown } | undefined)?.code ?? "");
  if (code === "55000" || code === "53300") return true;
  // a pooled client whose connection was cut while it was checked out
  if (cause instanceof Error && /not queryable|connection error/i.test(cause.message)) return true;
  const pe = pgError("", e);
  return pe instanceof PedigreeError && (pe.code === "unavailable" || pe.code === "aborted");
}

/** A failure as one line for the registry. */
export function failureText(e: unknown): string {
  return e instanceof PedigreeError ? e.oneLine() : e instanceof Error ? e.message : String(e);
}
