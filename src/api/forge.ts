/**
 * @module api/forge
 * Make a derivative of a model (or a new random one) with its exact ground truth in forge.json.
 * The (synchronous) writers run in a worker thread, so an AbortSignal stops them at once: the
 * worker is terminated, its `*.partial-<pid>` files are removed, nothing appears under the output
 * name, and the call rejects with an AbortedError. Falls back to this thread (cancellable between
 * progress reports) when no worker can be started.
 */
import { existsSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import type { Worker } from "node:worker_threads";
import { AbortedError, PedigreeError, UsageError, type ErrorCode } from "../errors.js";
import { startModuleWorker } from "../io/module-worker.js";
import { forge as forgeHere, partialPaths, type ForgeOptions as ForgeSpec, type ForgeResult } from "../forge/forge.js";
import type { WorkerMessage } from "../forge/worker.js";
import { progressOf, type OperationOptions } from "./cancel.js";

export type ForgeOptions = Omit<ForgeSpec, "onProgress"> & OperationOptions;
export type { ForgeResult };

function startWorker(data: ForgeSpec): Worker | undefined {
  return startModuleWorker(new URL("../forge/worker.ts", import.meta.url), import.meta.url, data);
}

function interrupted(opts: ForgeOptions, reason: unknown): AbortedError {
  const out = resolve(opts.out);
  const why = typeof reason === "string" ? `interrupted (${reason})` : "cancelled";
  return new AbortedError(`forge ${why}; ${existsSync(out) && !opts.force ? "the output was already complete" : `nothing written to ${out}`}`, reason);
}

function workerError(e: Extract<WorkerMessage, { type: "error" }>["error"]): Error {
  if (!e.pedigree) return Object.assign(new Error(e.message), { stack: e.stack });
  return e.code === "usage" ? new UsageError(e.message) : new PedigreeError((e.code ?? "internal") as ErrorCode, e.message, e.file);
}

export function forge(opts: ForgeOptions): Promise<ForgeResult> {
  const { signal, onProgress, ...spec } = opts;
  if (signal?.aborted) return Promise.reject(interrupted(opts, signal.reason));
  const worker = startWorker(spec);
  if (!worker) {
    const report = progressOf({ signal, onProgress }, "forge");
    try {
      return Promise.resolve(forgeHere({ ...spec, onProgress: (d, t) => report("forge", d, t) }));
    } catch (e) {
      for (const p of partialPaths(opts.out)) rmSync(p, { recursive: true, force: true });
      return Promise.reject(e instanceof AbortedError ? interrupted(opts, e.reason) : e);
    }
  }
  return new Promise<ForgeResult>((resolveResult, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      fn();
    };
    const onAbort = () => {
      finish(() => {
        void worker.terminate().then(() => {
          for (const p of partialPaths(opts.out)) rmSync(p, { recursive: true, force: true });
          reject(interrupted(opts, signal?.reason));
        });
      });
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    worker.on("message", (m: WorkerMessage) => {
      if (m.type === "progress") onProgress?.({ stage: "forge", done: m.done, total: m.total });
      else if (m.type === "done") finish(() => resolveResult(m.result));
      else finish(() => reject(workerError(m.error)));
    });
    worker.on("error", (e) => finish(() => reject(e)));
    worker.on("exit", (code) => finish(() => reject(new PedigreeError("internal", `the forge worker stopped (exit code ${code}) without a result`))));
  });
}
