/**
 * @module server/http-errors
 * Every PedigreeError code's HTTP status, in one table (the server's twin of cli/exit-codes.ts).
 */
import type { ErrorCode } from "../errors.js";

export const ERROR_STATUS: Record<ErrorCode, 400 | 404 | 409 | 415 | 500 | 503> = {
  "bad-input": 400,
  unsupported: 415,
  "not-found": 404,
  usage: 400,
  conflict: 409,
  unavailable: 503,
  aborted: 409, // a cancelled job: its state conflicts with the request
  internal: 500,
};

/** A refusal the server itself makes (auth, roles, limits). */
export class HttpRefusal extends Error {
  constructor(readonly status: 401 | 403 | 404 | 413 | 429, message: string) {
    super(message);
  }
}
