/**
 * @module cli/signals
 * The CLI's side of cancellation: while a cancellable command runs, SIGINT, SIGTERM and SIGHUP
 * abort its AbortSignal (reason: the signal's name) instead of killing the process, so the library
 * can stop its workers and remove partial files; the command then fails with an AbortedError and
 * exits 128 + the signal's number (exit-codes.ts). Handlers are installed only around such
 * commands: elsewhere a signal keeps its default action, which also stops synchronous work at once.
 */
import { removePartialFiles } from "../io/atomic-file.js";
import { HANDLED_SIGNALS } from "./exit-codes.js";

export async function withSignals<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => controller.abort(sig);
  for (const s of HANDLED_SIGNALS) process.on(s, onSignal);
  try {
    return await fn(controller.signal);
  } finally {
    for (const s of HANDLED_SIGNALS) process.off(s, onSignal);
  }
}

let cleanupInstalled = false;

/** Remove the partial files of unfinished atomic writes when the process exits. */
export function removePartialFilesOnExit(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on("exit", removePartialFiles);
}
