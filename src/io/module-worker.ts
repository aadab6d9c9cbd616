/**
 * @module io/module-worker
 * Start a worker thread on a module given as a URL of its compiled `.js` file's `.ts` twin: from
 * the built package (dist/) the `.js` runs as is; from source under tsx, the worker first registers
 * tsx's loader, then imports the `.ts`. Returns undefined when no worker can be started.
 */
import { Worker } from "node:worker_threads";

export function startModuleWorker(tsUrl: URL, fromUrl: string, workerData: unknown): Worker | undefined {
  try {
    if (fromUrl.endsWith(".ts")) {
      const tsx = import.meta.resolve("tsx/esm/api");
      const boot = `import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(tsUrl.href)}); });`;
      return new Worker(boot, { eval: true, workerData });
    }
    return new Worker(new URL(tsUrl.href.replace(/\.ts$/, ".js")), { workerData });
  } catch {
    return undefined;
  }
}
