/**
 * @module forge/worker
 * Runs one forge in a worker thread, so the thread that started it stays free to answer signals:
 * the writers are synchronous, and a signal handler on the writing thread would only run once the
 * whole model had been written. Messages to the parent: progress, the result, or the error.
 */
import { parentPort, workerData } from "node:worker_threads";
import { PedigreeError } from "../errors.js";
import { forge, type ForgeOptions } from "./forge.js";

export type WorkerMessage =
  | { type: "progress"; done: number; total: number }
  | { type: "done"; result: ReturnType<typeof forge> }
  | { type: "error"; error: { pedigree: boolean; code?: string; file?: string; message: string; stack?: string } };

if (parentPort) {
  const port = parentPort;
  const opts = workerData as ForgeOptions;
  let last = -1;
  try {
    const result = forge({
      ...opts,
      onProgress: (done, total) => {
        const step = Math.floor((1000 * done) / Math.max(1, total));
        if (step !== last) {
          last = step;
          port.postMessage({ type: "progress", done, total } satisfies WorkerMessage);
        }
      },
    });
    port.postMessage({ type: "done", result } satisfies WorkerMessage);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    port.postMessage({
      type: "error",
      error: { pedigree: e instanceof PedigreeError, code: e instanceof PedigreeError ? e.code : undefined, file: e instanceof PedigreeError ? e.file : undefined, message: err.message, stack: err.stack },
    } satisfies WorkerMessage);
  }
}
