/**
 * @module errors
 * Every failure pedigree reports is a PedigreeError with a stable `code`. Bad input (a file that is
 * truncated, lies about its sizes, or asks for something unsafe) is a BadInputError that names the
 * file; the CLI prints it as one line and exits with 2.
 */

export type ErrorCode =
  | "bad-input" // the file is malformed, truncated or hostile
  | "unsupported" // well-formed, but something pedigree does not read (yet)
  | "not-found" // a path that does not exist
  | "usage" // wrong command-line use
  | "conflict" // the registry already holds what was to be added
  | "unavailable" // a server registry that cannot be reached (connection refused, lost, timed out)
  | "aborted" // cancelled through an AbortSignal (the CLI: a signal such as SIGINT)
  | "internal"; // a bug: should never happen

/** Every code, for tables that must cover them all (the CLI's exit codes, the server's statuses). */
export const ERROR_CODES: readonly ErrorCode[] = ["bad-input", "unsupported", "not-found", "usage", "conflict", "unavailable", "aborted", "internal"];

export class PedigreeError extends Error {
  override name = "PedigreeError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly file?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** One line for humans: `<file>: <message>`. */
  oneLine(): string {
    const text = this.message.replace(/\s+/g, " ").trim();
    return this.file ? `${this.file}: ${text}` : text;
  }
}

/** Malformed or hostile input: names the file and the problem. */
export class BadInputError extends PedigreeError {
  override name = "BadInputError";
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super("bad-input", message, file, options);
  }
}

export class UnsupportedError extends PedigreeError {
  override name = "UnsupportedError";
  constructor(file: string | undefined, message: string) {
    super("unsupported", message, file);
  }
}

export class UsageError extends PedigreeError {
  override name = "UsageError";
  constructor(message: string) {
    super("usage", message);
  }
}

/** Cancelled through an AbortSignal; `reason` is the signal's reason (the CLI passes the OS signal's name). */
export class AbortedError extends PedigreeError {
  override name = "AbortedError";
  constructor(message: string, readonly reason?: unknown) {
    super("aborted", message);
  }
}

/** Throws a BadInputError when `ok` is false: the reader's guard for every value read from a file. */
export function check(ok: boolean, file: string, message: string): asserts ok {
  if (!ok) throw new BadInputError(file, message);
}

/**
 * Characters that must never reach a terminal or a report raw: C0/C1 controls (ESC sequences clear
 * screens, CR/LF fake lines, BEL rings), line/paragraph separators, and the bidi overrides and
 * isolates that make text display in another order than it reads (U+202E "Trojan source").
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every unsafe character written as a \uXXXX escape. */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** A whole multi-line text: escapes as escapeControls but keeps its line breaks and tabs. */
export function escapeControlsKeepLines(text: string): string {
  return text.split("\n").map((line) => line.split("\t").map(escapeControls).join("\t")).join("\n");
}

/** A name read from a file, safe to put in a one-line message: control characters escaped, clipped. */
export function q(name: string, max = 80): string {
  const clean = escapeControls(name);
  return `"${clean.length > max ? `${clean.slice(0, max)}...` : clean}"`;
}
