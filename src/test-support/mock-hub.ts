/**
 * @module test-support/mock-hub
 * A Hugging Face-shaped hub on 127.0.0.1 for tests and benches: each sub-folder of `root` is a model
 * (id = folder name), plus virtual 7B-shaped models (virtual-model.ts). Serves `/api/models` (paged
 * by `limit` and a `cursor`, next page in a Link header), `/api/models/{id}` (siblings with size and
 * lfs.sha256 for weight files, cardData from the README front matter), and
 * `/{id}/resolve/{rev}/{file}` with single Range requests (206 + Content-Range, 416, HEAD).
 * Faults on demand: a 429 (Retry-After) every n-th request or always, connections dropped mid-body
 * at a rate, a wrong Content-Range. Counts requests and file bytes served per model.
 */
import { createHash } from "node:crypto";
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { Rng } from "../numeric/rng.js";
import { virtualModel, type VirtualFile, type VirtualModelSpec } from "./virtual-model.js";

export interface MockFaults {
  /** Every n-th request (of any kind) is answered 429. */
  every429?: number;
  /** Every request is answered 429 (a hub that never lets up). */
  always429?: boolean;
  /** Retry-After seconds sent with a 429 (default 1). */
  retryAfter?: number;
  /** Probability that a file body is cut off halfway (socket destroyed). */
  dropRate?: number;
  /** Range answers state a Content-Range one byte off. */
  wrongContentRange?: boolean;
}

export interface MockHubOptions {
  /** Folder of model folders (e.g. ../shared/dev-families). */
  root?: string;
  /** Only these folder names. */
  only?: string[];
  virtual?: VirtualModelSpec[];
  faults?: MockFaults;
  /** Page size when the client gives no limit (default 1000). */
  pageSize?: number;
  /** Seed for the drop decisions. */
  seed?: number;
}

export interface MockHub {
  /** `http://127.0.0.1:port/` */
  url: string;
  faults: MockFaults;
  requests: number;
  /** File body bytes sent, by model id (cut-off bodies count what was sent). */
  bytesServed: Map<string, number>;
  ids(): string[];
  close(): Promise<void>;
}

interface MockModel {
  id: string;
  files: VirtualFile[];
  card: { license?: string; base_model?: string | string[] };
}

const WEIGHT = /\.(safetensors|gguf|bin|pt|pth)$/;

/** The two claims of a README's YAML front matter the hub exposes as cardData (enough for test cards). */
function cardOf(text: string | undefined): MockModel["card"] {
  const m = text === undefined ? null : /^---\n([\s\S]*?)\n---/.exec(text);
  if (!m) return {};
  const card: MockModel["card"] = {};
  const lines = (m[1] as string).split("\n");
  lines.forEach((line, i) => {
    const kv = /^(license|base_model):\s*(.*)$/.exec(line);
    if (!kv) return;
    const value = (kv[2] as string).trim();
    const list: string[] = [];
    for (let j = i + 1; j < lines.length && /^\s*-\s+/.test(lines[j] as string); j++) list.push((lines[j] as string).replace(/^\s*-\s+/, "").trim());
    if (kv[1] === "license") card.license = value;
    else card.base_model = value !== "" ? value : list;
  });
  return card;
}

function diskFile(dir: string, name: string): VirtualFile {
  const path = join(dir, name);
  const size = statSync(path).size;
  const f: VirtualFile = {
    name, size,
    fill(offset, out) {
      const fd = openSync(path, "r");
      try {
        for (let done = 0; done < out.length; ) done += readSync(fd, out, done, out.length - done, offset + done) || out.length;
      } finally {
        closeSync(fd);
      }
    },
  };
  if (WEIGHT.test(name)) f.sha256 = createHash("sha256").update(readFileSync(path)).digest("hex");
  return f;
}

function loadModels(opts: MockHubOptions): MockModel[] {
  const out: MockModel[] = [];
  if (opts.root !== undefined) {
    for (const id of readdirSync(opts.root).sort()) {
      const dir = join(opts.root, id);
      if (!statSync(dir).isDirectory() || (opts.only && !opts.only.includes(id))) continue;
      const files = readdirSync(dir).sort().map((n) => diskFile(dir, n));
      const readme = files.some((f) => f.name === "README.md") ? readFileSync(join(dir, "README.md"), "utf8") : undefined;
      out.push({ id, files, card: cardOf(readme) });
    }
  }
  for (const v of opts.virtual ?? []) {
    const files = virtualModel(v);
    const readme = files.find((f) => f.name === "README.md");
    const text = readme ? new Uint8Array(readme.size) : undefined;
    if (readme && text) readme.fill(0, text);
    out.push({ id: v.id, files, card: cardOf(text ? Buffer.from(text).toString("utf8") : undefined) });
  }
  return out;
}

function entry(m: MockModel, blobs: boolean): Record<string, unknown> {
  const tags = m.card.license ? [`license:${m.card.license}`] : [];
  return {
    _id: createHash("sha1").update(`_id/${m.id}`).digest("hex").slice(0, 24), id: m.id, modelId: m.id,
    sha: createHash("sha1").update(m.id).digest("hex"), tags, cardData: m.card,
    siblings: m.files.map((f) => ({ rfilename: f.name, ...(blobs ? { size: f.size, ...(f.sha256 ? { lfs: { sha256: f.sha256, size: f.size, pointerSize: 134 } } : {}) } : {}) })),
  };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Send bytes [start, end] of a file in 1 MiB pieces, honouring backpressure; cut off halfway if `drop`. */
async function sendBody(res: ServerResponse, f: VirtualFile, start: number, end: number, drop: boolean, count: (n: number) => void): Promise<void> {
  const stopAt = drop ? start + Math.floor((end - start + 1) / 2) : end + 1;
  for (let pos = start; pos < stopAt; ) {
    const n = Math.min(1 << 20, stopAt - pos);
    const buf = Buffer.allocUnsafe(n);
    f.fill(pos, buf);
    count(n);
    pos += n;
    if (!res.write(buf)) await new Promise((r) => res.once("drain", r));
    if (res.destroyed) return;
  }
  if (drop) res.socket?.destroy();
  else res.end();
}

export async function startMockHub(opts: MockHubOptions = {}): Promise<MockHub> {
  const models = loadModels(opts);
  const byId = new Map(models.map((m) => [m.id, m]));
  const rng = new Rng(opts.seed ?? 7);
  const hub: MockHub = {
    url: "", faults: { ...opts.faults }, requests: 0, bytesServed: new Map(),
    ids: () => models.map((m) => m.id),
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    hub.requests++;
    const f = hub.faults;
    if (f.always429 || (f.every429 && hub.requests % f.every429 === 0)) return json(res, 429, { error: "rate limited" }, { "retry-after": String(f.retryAfter ?? 1) });
    const url = new URL(req.url ?? "/", hub.url);
    const path = decodeURIComponent(url.pathname);
    if (path === "/api/models") {
      const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get("limit") ?? opts.pageSize ?? 1000) || 1));
      const at = Math.max(0, Number(url.searchParams.get("cursor") ?? 0) || 0);
      const page = models.slice(at, at + limit).map((m) => entry(m, false));
      const next = new URL(url.href);
      next.searchParams.set("cursor", String(at + limit));
      return json(res, 200, page, at + limit < models.length ? { link: `<${next.href}>; rel="next"` } : {});
    }
    const api = /^\/api\/models\/(.+)$/.exec(path);
    if (api) {
      const m = byId.get(api[1] as string);
      return m ? json(res, 200, entry(m, url.searchParams.get("blobs") === "true")) : json(res, 404, { error: "Repository not found" });
    }
    const file = /^\/(.+?)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    const m = file ? byId.get(file[1] as string) : undefined;
    const vf = m?.files.find((x) => x.name === file?.[3]);
    if (!m || !vf) return json(res, 404, { error: "Entry not found" });
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
    const start = range ? Number(range[1]) : 0;
    const end = range && range[2] !== "" ? Math.min(Number(range[2]), vf.size - 1) : vf.size - 1;
    if (range && start >= vf.size) return json(res, 416, { error: "range not satisfiable" }, { "content-range": `bytes */${vf.size}` });
    const shift = f.wrongContentRange ? 1 : 0;
    res.writeHead(range ? 206 : 200, {
      "accept-ranges": "bytes", "content-type": "application/octet-stream", "content-length": String(end - start + 1),
      ...(range ? { "content-range": `bytes ${start + shift}-${end + shift}/${vf.size}` } : {}),
    });
    if (req.method === "HEAD") return void res.end();
    const drop = (f.dropRate ?? 0) > 0 && rng.u32() / 4294967296 < (f.dropRate ?? 0);
    await sendBody(res, vf, start, end, drop, (n) => hub.bytesServed.set(m.id, (hub.bytesServed.get(m.id) ?? 0) + n));
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  hub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return hub;
}
