/**
 * @module hub/fingerprint-remote
 * Fingerprint a hub's model reading only byte ranges: the weight file(s) are chosen as for a local
 * folder (formats/open.ts), headers read first, then only the ranges the fingerprint reads. The
 * synchronous readers run in a worker thread (fingerprint-worker.ts); this thread answers their
 * reads from a RangeCache per file, each miss one HTTP Range request (retried, see http.ts).
 * File identities come from the hub's LFS sha256 where it gives one, so a file need not be read
 * whole to be named; without it the file is read whole (up to 256 MiB, as for local files).
 */
import type { Worker } from "node:worker_threads";
import { AbortedError, PedigreeError, type ErrorCode } from "../errors.js";
import { startModuleWorker } from "../io/module-worker.js";
import type { Declared } from "../model/weight-set.js";
import { decodeFingerprint } from "../fingerprint/codec.js";
import type { Fingerprint } from "../fingerprint/types.js";
import { hubBase, hubLocator, resolveUrl, type HubModel } from "./hub-model.js";
import { hubRequest, type HttpOptions } from "./http.js";
import { CHANNEL_BYTES } from "./limits.js";
import { hubModelInfo } from "./list-models.js";
import { RangeCache } from "./range-cache.js";
import { ANSWERED, type ReadRequest, type RemoteFileInfo } from "./remote-folder.js";
import type { FingerprintJob } from "./fingerprint-worker.js";

export interface RemoteFingerprint {
  /** `hub+http://host/{id}`: the model's name in the fingerprint's summary and files. */
  locator: string;
  fingerprint: Fingerprint;
  /** What the hub's API says of the model (card data): claims, never evidence. */
  claims: { baseModels: string[]; license?: string };
  /** What the files themselves declare (model card, config). */
  declared: Declared;
  /** Files the fingerprint read from, and their total size. */
  files: string[];
  fileBytes: number;
  /** Body bytes received (retries included) and HTTP requests made (API calls and retries included). */
  bytesFetched: number;
  requests: number;
}

export type RemoteOptions = HttpOptions;

/** Sizes of top-level files the API did not size, by HEAD. */
async function sized(base: string, m: HubModel, http: HttpOptions): Promise<RemoteFileInfo[]> {
  const out: RemoteFileInfo[] = [];
  for (const f of m.files) {
    if (f.name.includes("/")) continue;
    if (f.size !== undefined) {
      out.push({ name: f.name, size: f.size });
      continue;
    }
    const r = await hubRequest(resolveUrl(base, m, f.name), 0, { ...http, method: "HEAD" });
    const n = Number(r.headers.get("content-length"));
    if (Number.isSafeInteger(n) && n >= 0) out.push({ name: f.name, size: n });
  }
  return out;
}

interface Done {
  parts: Map<string, Uint8Array>;
  declared: Declared;
  opened: string[];
}

/** Threads that finished a job cleanly, kept (unref'd) for the next one. */
const idle: Worker[] = [];
const MAX_IDLE = 4;

function takeWorker(): Worker | undefined {
  const w = idle.pop();
  if (w) {
    w.ref();
    return w;
  }
  return startModuleWorker(new URL("./fingerprint-worker.ts", import.meta.url), import.meta.url, null);
}

/** Run a job on a worker, answering its reads, until it posts its result. */
function runWorker(job: FingerprintJob, caches: (name: string) => RangeCache, signal?: AbortSignal): Promise<Done> {
  const ctl = new Int32Array(job.mem.ctl);
  const data = new Uint8Array(job.mem.data);
  const answer = (bytes: Uint8Array, failed: boolean) => {
    data.set(bytes);
    Atomics.store(ctl, 1, bytes.length);
    Atomics.store(ctl, 2, failed ? 1 : 0);
    Atomics.store(ctl, 0, ANSWERED);
    Atomics.notify(ctl, 0);
  };
  return new Promise<Done>((resolve, reject) => {
    const worker = takeWorker();
    if (!worker) return reject(new PedigreeError("internal", "cannot start a worker thread"));
    let settled = false;
    /** A thread that answered (result or reader error) is clean and kept; one cancelled or crashed is ended. */
    const finish = (f: () => void, reusable = false) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      worker.off("message", onMessage).off("error", onError).off("exit", onExit);
      if (reusable && idle.length < MAX_IDLE) {
        worker.unref();
        idle.push(worker);
      } else void worker.terminate();
      f();
    };
    const onAbort = () => finish(() => reject(new AbortedError("cancelled", signal?.reason)));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    const onMessage = (msg: ReadRequest | ({ type: "done" } & Done) | { type: "error"; error: { code: ErrorCode; message: string; file?: string } }) => {
      if (msg.type === "read") {
        const out = new Uint8Array(msg.length);
        (async () => caches(msg.file).read(msg.offset, out))().then(
          () => answer(out, false),
          (e: unknown) => {
            const err = e instanceof PedigreeError ? { code: e.code, message: e.message, file: e.file } : { code: "unavailable", message: String(e) };
            answer(new TextEncoder().encode(JSON.stringify(err)).subarray(0, data.length), true);
          },
        );
      } else if (msg.type === "done") finish(() => resolve(msg), true);
      else finish(() => reject(new PedigreeError(msg.error.code, msg.error.message, msg.error.file)), true);
    };
    const onError = (e: Error) => finish(() => reject(new PedigreeError("internal", `fingerprint worker failed: ${e.message}`)));
    const onExit = (code: number) => finish(() => reject(new PedigreeError("internal", `fingerprint worker exited (${code}) without a result`)));
    worker.on("message", onMessage).on("error", onError).on("exit", onExit);
    worker.postMessage(job);
  });
}

/** Fingerprint `model` (an id, or an entry from listHubModels) of the hub at `hubUrl`. */
export async function fingerprintRemote(hubUrl: string, model: HubModel | string, opts: RemoteOptions = {}): Promise<RemoteFingerprint> {
  const base = hubBase(hubUrl);
  let bytesFetched = 0;
  let requests = 0;
  const http: HttpOptions = {
    ...opts,
    onBytes: (n) => {
      bytesFetched += n;
      opts.onBytes?.(n);
    },
    onRequest: () => {
      requests++;
      opts.onRequest?.();
    },
  };
  const given = typeof model === "string" ? undefined : model;
  const id = typeof model === "string" ? model : model.id;
  const needInfo = !given || given.files.length === 0 || given.files.some((f) => !f.name.includes("/") && (f.size === undefined || f.sha256 === undefined));
  const info = needInfo ? await hubModelInfo(base, id, http) : given;
  const entry: HubModel = { ...info, ...(given?.sha ? { sha: given.sha } : {}) };
  const files = await sized(base, entry, http);
  const locator = hubLocator(base, id);
  const sha = new Map(entry.files.map((f) => [f.name, f.sha256]));
  const job: FingerprintJob = {
    mem: { ctl: new SharedArrayBuffer(12), data: new SharedArrayBuffer(CHANNEL_BYTES) },
    path: locator,
    files: files.map((f) => ({ ...f, ...(sha.get(f.name) ? { sha256: sha.get(f.name) } : {}) })),
  };
  const caches = new Map<string, RangeCache>();
  const cacheOf = (name: string) => {
    let c = caches.get(name);
    if (!c) {
      const f = files.find((x) => x.name === name);
      if (!f) throw new PedigreeError("internal", `the worker asked for an unknown file ${name}`);
      c = new RangeCache(resolveUrl(base, entry, name), f.size, http);
      caches.set(name, c);
    }
    return c;
  };
  const done = await runWorker(job, cacheOf, opts.signal);
  const fingerprint = decodeFingerprint(done.parts, locator);
  const fileBytes = done.opened.reduce((s, n) => s + (files.find((f) => f.name === n)?.size ?? 0), 0);
  return {
    locator, fingerprint, declared: done.declared, files: done.opened, fileBytes, bytesFetched, requests,
    claims: { baseModels: given?.baseModels.length ? given.baseModels : entry.baseModels, ...((given?.license ?? entry.license) !== undefined ? { license: given?.license ?? entry.license } : {}) },
  };
}
