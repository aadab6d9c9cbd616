// Helpers for the server's tests: a client over real HTTP, a job's event stream followed to its
// end, and a server started on 127.0.0.1 (any free port) with a token for every role.
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Role } from "../../src/server/roles.js";
import { startServer, type RunningServer, type ServeOptions } from "../../src/server/start.js";
import { devPath } from "../../src/test-support/dev-truth.js";
import { createTestDatabase } from "../../src/test-support/postgres.js";
import { tempDir } from "../../src/test-support/tmp.js";

export const ROOT = devPath("");

/* eslint-disable @typescript-eslint/no-explicit-any -- the answers are JSON read by the tests */
export interface Answer {
  status: number;
  json: any;
  headers: Headers;
}

export interface Client {
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
}

export function client(s: RunningServer, token?: string): Client {
  return {
    async call(method, path, body, headers = {}) {
      const init: RequestInit = { method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } };
      if (body instanceof Uint8Array) init.body = body;
      else if (body !== undefined) {
        init.body = typeof body === "string" ? body : JSON.stringify(body);
        (init.headers as Record<string, string>)["content-type"] ??= "application/json";
      }
      const r = await fetch(`${s.url}${path}`, init);
      const text = await r.text();
      let json: unknown = text;
      try {
        json = JSON.parse(text);
      } catch {
        // not JSON (event streams)
      }
      return { status: r.status, json, headers: r.headers };
    },
  };
}

/** Follows a job's event stream to its end; returns the events' names, the progress events' data and the final job. */
export async function follow(s: RunningServer, token: string, id: string): Promise<{ events: string[]; progress: any[]; job: any }> {
  const r = await fetch(`${s.url}/api/jobs/${id}/events`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(r.headers.get("content-type")?.split(";")[0], "text/event-stream");
  const text = await r.text();
  const events = [...text.matchAll(/^event: (\S+)$/gm)].map((m) => m[1] as string);
  const last = [...text.matchAll(/^data: (.*)$/gm)].at(-1)?.[1];
  const progress = [...text.matchAll(/^event: progress\ndata: (.*)$/gm)].map((m) => JSON.parse(m[1] as string));
  return { events, progress, job: JSON.parse(last ?? "null") };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

export interface Lab {
  s: RunningServer;
  dir: string;
  /** A token for every role (the owner's organisation: "Lab A"), and an owner of "Lab B". */
  tokens: Record<Role, string> & { ownerB: string };
  as(who: Role | "ownerB"): Client;
  /** Submits a job with `who`'s token and follows it to its end; asserts it is done; returns its result. */
  job(who: Role | "ownerB", method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * The lab's registry: a SQLite file in its folder or, with `$PEDIGREE_SERVE_TESTS=postgres`, a
 * Postgres database of its own, dropped when the server closes (test/postgres/serve-suite.test.ts
 * runs these tests so).
 */
async function labServer(dir: string, opts: ServeOptions): Promise<RunningServer> {
  const base = { registry: join(dir, "lab.db"), port: 0, roots: [ROOT], workers: 2, uploadDir: join(dir, "uploads") };
  if (process.env.PEDIGREE_SERVE_TESTS !== "postgres" || opts.registry !== undefined) return startServer({ ...base, ...opts });
  const db = await createTestDatabase();
  const s = await startServer({ ...base, registry: db.url, ...opts }).catch(async (e: unknown) => {
    await db.drop();
    throw e;
  });
  return { ...s, close: async () => void (await s.close().finally(() => db.drop())) };
}

export async function startLab(opts: ServeOptions = {}): Promise<Lab> {
  const dir = tempDir("pedigree-serve-");
  const s = await labServer(dir, opts);
  const admin = client(s, s.adminToken);
  const make = async (role: Role, org?: string) => {
    const r = await admin.call("POST", "/api/tokens", { role, org, label: `${role} ${org ?? ""}` });
    assert.equal(r.status, 201);
    return r.json.secret as string;
  };
  const tokens = { admin: s.adminToken as string, owner: await make("owner", "Lab A"), analyst: await make("analyst"), public: await make("public"), ownerB: await make("owner", "Lab B") };
  const as = (who: Role | "ownerB") => client(s, tokens[who]);
  return {
    s, dir, tokens, as,
    async job(who, method, path, body, headers) {
      const r = await as(who).call(method, path, body, headers);
      assert.equal(r.status, 202, `${method} ${path}: ${r.status} ${JSON.stringify(r.json)}`);
      const { job } = await follow(s, tokens[who], r.json.id);
      assert.equal(job.status, "done", JSON.stringify(job.error));
      return job;
    },
  };
}
