/**
 * @module api/cancel
 * Cancellation and progress for every api operation. The numeric work is synchronous, so a signal
 * is looked at between units of work (each layer, each pair, each stage): an abort requested from
 * a progress callback, another thread's shared state, or before the call stops the operation at
 * the next unit with an AbortedError. Work that runs in a worker thread (forge) stops at once.
 */
import { AbortedError } from "../errors.js";

/** One progress report: `done` of `total` units of the named stage. */
export interface ProgressEvent {
  stage: string;
  done: number;
  total: number;
}

/** Options every api operation takes. */
export interface OperationOptions {
  signal?: AbortSignal;
  onProgress?: (e: ProgressEvent) => void;
}

/** Throws an AbortedError when `signal` has been aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw abortedError(signal, what);
}

export function abortedError(signal: AbortSignal, what: string): AbortedError {
  const reason: unknown = signal.reason;
  const why = typeof reason === "string" ? ` (${reason})` : "";
  return new AbortedError(`${what} cancelled${why}`, reason);
}

/** A progress callback that reports, then checks the signal: the hook synchronous code calls per unit. */
export function progressOf(opts: OperationOptions, what: string): (stage: string, done: number, total: number) => void {
  return (stage, done, total) => {
    opts.onProgress?.({ stage, done, total });
    throwIfAborted(opts.signal, what);
  };
}
