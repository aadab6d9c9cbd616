/**
 * @module cli/exit-codes
 * pedigree's exit-code contract, in one place (like grep and diff):
 *   0 clean — the command completed and found nothing to act on,
 *   1 findings — a derivation or a policy finding the user asked to fail on,
 *   2 error — bad input, bad usage, or a failure (every PedigreeError code but "aborted"),
 *   128 + the signal's number when a signal stopped a command that answers signals (forge):
 *   129 SIGHUP, 130 SIGINT (Ctrl-C), 143 SIGTERM. Other commands keep the default action
 *   of the signal (the shell reports 128 + n all the same).
 */
import { AbortedError, PedigreeError, type ErrorCode } from "../errors.js";

export const EXIT = { clean: 0, findings: 1, error: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The signals the CLI answers, and the exit code each one leaves. */
export const SIGNAL_EXIT = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;
export type HandledSignal = keyof typeof SIGNAL_EXIT;
export const HANDLED_SIGNALS = Object.keys(SIGNAL_EXIT) as HandledSignal[];

/** Every error code's exit code ("aborted": the signal's code when a signal was the reason). */
export const ERROR_EXIT: Record<ErrorCode, number> = {
  "bad-input": EXIT.error,
  unsupported: EXIT.error,
  "not-found": EXIT.error,
  usage: EXIT.error,
  conflict: EXIT.error,
  unavailable: EXIT.error,
  aborted: SIGNAL_EXIT.SIGINT,
  internal: EXIT.error,
};

function isHandledSignal(v: unknown): v is HandledSignal {
  return typeof v === "string" && Object.hasOwn(SIGNAL_EXIT, v);
}

/** The exit code for a failure: by its PedigreeError code, 2 for anything else. */
export function exitCodeOf(e: unknown): number {
  if (e instanceof AbortedError && isHandledSignal(e.reason)) return SIGNAL_EXIT[e.reason];
  if (e instanceof PedigreeError) return ERROR_EXIT[e.code];
  return EXIT.error;
}
