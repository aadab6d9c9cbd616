/**
 * Worker thread of bench/read.ts: opens the file itself and reads every `parts`-th tensor from `part`,
 * once per "go" message, replying with the pass result and the memory it saw.
 * Loaded through startReadWorker (tsx does not hook worker threads by itself).
 */
import { getHeapStatistics } from "node:v8";
import { parentPort, Worker, workerData } from "node:worker_threads";
import { readPass, type PassResult } from "./read-pass.js";

export interface ReadWorkerData {
  path: string;
  part: number;
  parts: number;
  chunkValues: number;
}

export type ToWorker = { type: "go" } | { type: "exit" };
export type FromWorker =
  | { type: "ready" }
  | { type: "done"; result: PassResult; maxRssKb: number; heapMb: number; externalMb: number }
  | { type: "failed"; message: string };

/** Start a read worker running this module under tsx. */
export function startReadWorker(data: ReadWorkerData): Worker {
  const self = new URL("./read-worker.ts", import.meta.url).href;
  const api = import.meta.resolve("tsx/esm/api");
  const boot = `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(self)}, ${JSON.stringify(self)}));`;
  return new Worker(boot, { eval: true, workerData: data });
}

const port = parentPort;
if (port && (workerData as Partial<ReadWorkerData> | undefined)?.path !== undefined) {
  const data = workerData as ReadWorkerData;
  port.on("message", (msg: ToWorker) => {
    if (msg.type === "exit") {
      port.close();
      return;
    }
    try {
      const result = readPass(data.path, data.part, data.parts, data.chunkValues);
      const heap = getHeapStatistics();
      const reply: FromWorker = {
        type: "done",
        result,
        // ru_maxrss of the whole process: threads share it, so each worker sees the process peak
        maxRssKb: process.resourceUsage().maxRSS,
        heapMb: heap.total_heap_size / 1e6,
        externalMb: heap.external_memory / 1e6,
      };
      port.postMessage(reply);
    } catch (e) {
      port.postMessage({ type: "failed", message: e instanceof Error ? e.message : String(e) } satisfies FromWorker);
    }
  });
  port.postMessage({ type: "ready" } satisfies FromWorker);
}
