/**
 * `pedigree serve --registry postgres://...` over real HTTP: tokens and roles, registration by path
 * and by upload, a scan job end to end (SSE progress, redaction, alerts, exports), the server's
 * state in the database (tokens hashed, the audit log append-only), a restart keeping finished jobs
 * and running again the one left running, a second server following a job the first runs; and a
 * server whose Postgres goes away answering 503 with
 * a one-line JSON error, then serving again once it is back.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import pg from "pg";
import { PedigreeError } from "../../src/errors.js";
import { startServer } from "../../src/server/start.js";
import { createTestDatabase, type TestDatabase } from "../../src/test-support/postgres.js";
import { client, follow, ROOT, startLab, type Lab } from "../server/http.js";

// a database for each test: each server makes its own first admin token
let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await db?.drop();
});

/** The test database's URL with a password (the test cluster trusts local logins) and, optionally, another port. */
function urlOf(port?: number): string {
  const u = new URL(db.url);
  u.password = "s3cret-pw";
  if (port !== undefined) u.port = String(port);
  return u.toString();
}

async function sql<R>(query: string, args: unknown[] = []): Promise<R[]> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    return (await c.query(query, args)).rows as R[];
  } finally {
    await c.end();
  }
}

test("serve on Postgres: roles, register by path and upload, scan job, state in the database, restart", async () => {
  const lab = await startLab({ registry: urlOf(), maxUploadBytes: 3_000_000 });
  let s = lab.s;
  try {
    assert.ok(s.registry.startsWith("postgres://") && s.registry.includes(":***@"), s.registry);
    const { tokens } = lab;
    const owner = lab.as("owner");
    const analyst = lab.as("analyst");

    // roles and tokens: stored hashed, in the database
    assert.equal((await analyst.call("GET", "/api/tokens")).status, 403);
    assert.equal((await lab.as("public").call("POST", "/api/compare", { a: "A", b: "B" })).status, 403);
    assert.equal((await client(s, `pdg_${"x".repeat(43)}`).call("GET", "/api/models")).status, 401);
    const hashes = (await sql<{ hash: string }>("SELECT hash FROM server_tokens")).map((r) => r.hash);
    assert.equal(hashes.length, 5);
    assert.ok(hashes.every((h) => /^[0-9a-f]{64}$/.test(h) && !Object.values(tokens).includes(h)), "tokens stored hashed");
    assert.equal((await lab.as("admin").call("GET", "/api/tokens")).json.tokens.length, 5);

    // register by path and by upload
    const reg = await lab.job("owner", "POST", "/api/models", { path: "A", name: "A", tier: "closed", license: "other" });
    assert.equal(reg.result.entry.owner, "Lab A");
    await lab.job("ownerB", "POST", "/api/models", { path: "B", name: "B", tier: "open", license: "mit" });
    assert.equal((await owner.call("POST", "/api/models", { path: "A-ft", name: "A", tier: "open", license: "mit" })).status, 409);
    const gguf = new Uint8Array(readFileSync(join(ROOT, "A-q8", "A-q8.gguf")));
    const up = await lab.job("owner", "POST", "/api/models?filename=A-q8.gguf&name=crown&tier=closed&license=other", gguf, { "content-type": "application/octet-stream" });
    assert.equal(up.result.entry.summary.format, "gguf");
    assert.deepEqual(readdirSync(join(lab.dir, "uploads")), [], "the upload is removed once registered");
    assert.equal((await owner.call("GET", "/api/models/crown")).json.summary.path, "A-q8.gguf");
    assert.deepEqual((await sql<{ name: string }>("SELECT name FROM models ORDER BY id")).map((r) => r.name), ["A", "B", "crown"]);
    assert.deepEqual((await analyst.call("GET", "/api/models")).json.models.map((m: { name: string }) => m.name), ["B"]);
    assert.equal((await analyst.call("GET", "/api/models/A")).status, 404);

    // a scan job end to end: progress streamed, the closed match masked for the analyst, the owner alerted
    const sc = await analyst.call("POST", "/api/scans", { path: "A-ft" });
    assert.equal(sc.status, 202);
    const scanned = await follow(s, tokens.analyst, sc.json.id);
    assert.equal(scanned.job.status, "done", JSON.stringify(scanned.job.error));
    assert.ok(scanned.events.includes("progress"), "progress streamed");
    assert.deepEqual(scanned.job.result.document.derivedFrom, ["a closed model of Lab A"]);
    assert.ok(!JSON.stringify(scanned.job.result).includes('"A"'), "the closed model's name never reaches the analyst");
    assert.equal((await analyst.call("GET", `/api/jobs/${sc.json.id}/export/cyclonedx`)).json.bomFormat, "CycloneDX");
    // A-ft is made from A, and so from its quantized copy (crown): both Lab A's
    assert.deepEqual((await owner.call("GET", "/api/alerts")).json.alerts.map((a: { model: string }) => a.model).sort(), ["A", "crown"]);
    assert.deepEqual((await lab.as("ownerB").call("GET", "/api/alerts")).json.alerts, []);
    assert.ok((await lab.as("admin").call("GET", `/api/jobs/${sc.json.id}`)).json.result.document.derivedFrom.includes("A"));
    const audit = (await lab.as("admin").call("GET", "/api/audit")).json.audit as Array<{ action: string }>;
    for (const a of ["read-model", "read-scan", "register", "create-token"]) assert.ok(audit.some((e) => e.action === a), a);
    await assert.rejects(sql("DELETE FROM server_audit"), /append-only/);
    await assert.rejects(sql("UPDATE server_audit SET action = 'x'"), /append-only/);

    // a restart: finished jobs kept, no new admin token, a job left running (the server stopped
    // mid-scan) queued again and run to its end
    await s.close();
    await sql(`INSERT INTO server_jobs (id, kind, token_id, params_json, status, progress_json, created_at)
      SELECT 'left-running', kind, token_id, params_json, 'running', '{"stage":"compare","done":1,"total":3}', created_at FROM server_jobs WHERE id = $1`, [sc.json.id]);
    s = await startServer({ registry: urlOf(), port: 0, roots: [ROOT], workers: 2, uploadDir: join(lab.dir, "uploads") });
    assert.equal(s.adminToken, undefined);
    const again = await client(s, tokens.analyst).call("GET", `/api/jobs/${sc.json.id}`);
    assert.equal(again.json.status, "done");
    assert.deepEqual(again.json.result.document.derivedFrom, ["a closed model of Lab A"]);
    const rerun = await follow(s, tokens.analyst, "left-running");
    assert.equal(rerun.job.status, "done", JSON.stringify(rerun.job.error));
    assert.deepEqual(rerun.job.result.document.derivedFrom, ["a closed model of Lab A"]);

    // a second server on the database that runs no jobs itself: its job is run by the first, and
    // its event stream follows the job as stored
    const front = await startServer({ registry: urlOf(), port: 0, roots: [ROOT], workers: 0, uploadDir: join(lab.dir, "uploads") });
    try {
      const queued = await client(front, tokens.analyst).call("POST", "/api/scans", { path: "A-ft" });
      assert.equal(queued.status, 202);
      const elsewhere = await follow(front, tokens.analyst, queued.json.id);
      assert.equal(elsewhere.job.status, "done", JSON.stringify(elsewhere.job.error));
      assert.deepEqual(elsewhere.job.result.document.derivedFrom, ["a closed model of Lab A"]);
    } finally {
      await front.close();
    }
  } finally {
    await s.close();
  }
});

/** A TCP relay to the test cluster that can be cut (every connection dropped, the port closed) and restored on the same port. */
async function relay(target: URL): Promise<{ port: number; cut(): Promise<void>; restore(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let server: Server;
  let port = 0;
  const listen = () => new Promise<void>((ok) => {
    server = createServer((down) => {
      const up = connect(Number(target.port), target.hostname);
      for (const s of [down, up]) {
        sockets.add(s);
        s.on("error", () => undefined);
        s.on("close", () => sockets.delete(s));
      }
      down.pipe(up).pipe(down);
      down.on("close", () => up.destroy());
      up.on("close", () => down.destroy());
    });
    server.listen(port, "127.0.0.1", () => {
      port = (server.address() as { port: number }).port;
      ok();
    });
  });
  await listen();
  return {
    port,
    cut: () => new Promise<void>((ok) => {
      server.close(() => ok());
      for (const s of sockets) s.destroy();
    }),
    restore: listen,
  };
}

test("serve on a Postgres it cannot reach: 503 with a one-line JSON error, never a crash; serves again once it is back", async () => {
  const r = await relay(new URL(db.url));
  let lab: Lab | undefined;
  try {
    lab = await startLab({ registry: urlOf(r.port), workers: 1 });
    const admin = lab.as("admin");
    assert.equal((await admin.call("GET", "/api/models")).status, 200);
    await r.cut();
    for (const [method, path, body] of [["GET", "/api/models"], ["GET", "/api/tokens"], ["POST", "/api/scans", { path: "B" }]] as const) {
      const a = await admin.call(method, path, body);
      assert.equal(a.status, 503, `${method} ${path}: ${JSON.stringify(a.json)}`);
      assert.equal(a.json.error.code, "unavailable");
      assert.match(a.json.error.message, /cannot reach the registry/);
      assert.doesNotMatch(a.json.error.message, /\n|s3cret-pw/);
    }
    assert.equal((await admin.call("GET", "/api/health")).status, 200, "the server itself is up");
    await r.restore();
    assert.equal((await admin.call("GET", "/api/models")).status, 200, "back once Postgres is");
    await lab.job("admin", "POST", "/api/models", { path: "B", name: "B", owner: "Lab B", tier: "open", license: "mit" });
  } finally {
    await lab?.s.close();
    await r.cut();
  }
  // a server that cannot reach Postgres at its start: one error, no server
  await assert.rejects(startServer({ registry: urlOf(r.port), port: 0 }), (e: unknown) => e instanceof PedigreeError && e.code === "unavailable" && !e.oneLine().includes("s3cret-pw"));
});
