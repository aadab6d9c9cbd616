/**
 * @module hub/http
 * Requests to a hub that survive what hubs and networks do: network errors, dropped connections and
 * 5xx are retried with exponential backoff and full jitter; a 429 waits what its Retry-After says
 * (capped). After a bounded number of attempts the failure is one PedigreeError naming the URL.
 * Bodies are read against a cap the caller sets, never against what the server claims; a range
 * response must say (Content-Range) that it is exactly the range asked for.
 */
import { AbortedError, BadInputError, PedigreeError } from "../errors.js";
import { MAX_RETRY_AFTER_MS } from "./limits.js";

export interface HttpOptions {
  signal?: AbortSignal;
  /** Attempts after the first (default 6). */
  retries?: number;
  /** First backoff in ms, doubled per attempt, with full jitter (default 250). */
  backoffMs?: number;
  /** Per-request time limit in ms (default 60 000). */
  timeoutMs?: number;
  /** Counts body bytes as they arrive (retried attempts included). */
  onBytes?: (n: number) => void;
  /** Counts HTTP requests made (retries included). */
  onRequest?: () => void;
}

/** A response status that will not get better by asking again. */
class Final extends Error {
  constructor(readonly error: PedigreeError) {
    super(error.message);
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortedError("cancelled", signal.reason));
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new AbortedError("cancelled", signal?.reason));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });

/** Retry-After as seconds or an HTTP date, in ms; undefined when absent or unreadable. */
function retryAfterMs(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Read a body to its end, refusing more than `max` bytes whatever Content-Length says. */
async function readBody(res: Response, max: number, url: string, onBytes?: (n: number) => void): Promise<Uint8Array> {
  const declared = res.headers.get("content-length");
  if (declared !== null && Number(declared) > max) {
    await res.body?.cancel();
    throw new Final(new BadInputError(url, `the server sends ${declared} bytes, more than the ${max} expected`));
  }
  const parts: Uint8Array[] = [];
  let got = 0;
  if (res.body) {
    for await (const chunk of res.body) {
      const c = chunk as Uint8Array;
      got += c.length;
      onBytes?.(c.length);
      if (got > max) {
        await res.body.cancel().catch(() => undefined);
        throw new Final(new BadInputError(url, `the server sent more than the ${max} bytes expected`));
      }
      parts.push(c);
    }
  }
  const out = new Uint8Array(got);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export interface HubResponse {
  status: number;
  headers: Headers;
  body: Uint8Array;
}

/**
 * GET (or HEAD) `url` with retries; the body is capped at `maxBytes`. `accept` decides which statuses
 * are answers (default: 2xx); 404 is a not-found error, other 4xx final errors, 5xx and 429 retried.
 */
export async function hubRequest(url: string, maxBytes: number, opts: HttpOptions & { method?: "GET" | "HEAD"; headers?: Record<string, string>; check?: (r: HubResponse) => void } = {}): Promise<HubResponse> {
  const retries = opts.retries ?? 6;
  const backoff = opts.backoffMs ?? 250;
  let last = "no attempt";
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (opts.signal?.aborted) throw new AbortedError("cancelled", opts.signal.reason);
    let waitMs = Math.random() * backoff * 2 ** attempt;
    try {
      opts.onRequest?.();
      const signal = AbortSignal.any([AbortSignal.timeout(opts.timeoutMs ?? 60_000), ...(opts.signal ? [opts.signal] : [])]);
      const res = await fetch(url, { method: opts.method ?? "GET", headers: opts.headers, signal, redirect: "follow" });
      if (res.status === 429 || res.status >= 500) {
        await res.body?.cancel().catch(() => undefined);
        last = `HTTP ${res.status}`;
        if (res.status === 429) waitMs = Math.min(MAX_RETRY_AFTER_MS, retryAfterMs(res.headers.get("retry-after")) ?? waitMs) + Math.random() * backoff;
      } else if (res.status === 404) {
        await res.body?.cancel().catch(() => undefined);
        throw new Final(new PedigreeError("not-found", "the hub has no such file or model (HTTP 404)", url));
      } else if (res.status >= 400) {
        await res.body?.cancel().catch(() => undefined);
        throw new Final(new PedigreeError("unavailable", `the hub refused the request (HTTP ${res.status})`, url));
      } else {
        const body = opts.method === "HEAD" ? new Uint8Array(0) : await readBody(res, maxBytes, url, opts.onBytes);
        const r = { status: res.status, headers: res.headers, body };
        opts.check?.(r);
        return r;
      }
    } catch (e) {
      if (e instanceof Final) throw e.error;
      if (e instanceof PedigreeError && e.code !== "unavailable") throw e;
      if (opts.signal?.aborted) throw new AbortedError("cancelled", opts.signal.reason);
      last = e instanceof Error ? `${e.message}${e.cause instanceof Error ? ` (${e.cause.message})` : ""}` : String(e);
    }
    if (attempt < retries) await sleep(waitMs, opts.signal);
  }
  throw new PedigreeError("unavailable", `the hub did not answer after ${retries + 1} attempts (last: ${last})`, url);
}

/** Bytes [offset, offset + length) of a file of known size, checked against the Content-Range the server states. */
export async function fetchRange(url: string, offset: number, length: number, fileSize: number, opts: HttpOptions = {}): Promise<Uint8Array> {
  const end = offset + length - 1;
  const r = await hubRequest(url, length, {
    ...opts,
    headers: { range: `bytes=${offset}-${end}` },
    check: (res) => {
      const whole = res.status === 200 && offset === 0 && length === fileSize;
      const cr = res.headers.get("content-range");
      const m = cr === null ? null : /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(cr.trim());
      const ok = whole || (res.status === 206 && m !== null && Number(m[1]) === offset && Number(m[2]) === end && (m[3] === "*" || Number(m[3]) === fileSize));
      if (!ok) throw new Final(new BadInputError(url, `asked for bytes ${offset}-${end} of ${fileSize}, the server answered HTTP ${res.status} with Content-Range ${cr ?? "(none)"}`));
      if (res.body.length !== length) throw new PedigreeError("unavailable", `asked for ${length} bytes, got ${res.body.length}`, url);
    },
  });
  return r.body;
}
