/**
 * Server tests written for the SQLite file (test/server) run again with every lab on a Postgres
 * database of its own ($PEDIGREE_SERVE_TESTS=postgres, see test/server/http.ts): the role table
 * cell by cell, /openapi.json against the routes served, issued copies and trace jobs, findings and
 * a scan's exports. (Registration by upload, scans, restarts and an unreachable Postgres:
 * serve.test.ts.) They run in a child test process on this process's cluster.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "node:test";
import { testCluster } from "../../src/test-support/postgres.js";

const FILES = ["roles", "openapi", "recipients", "findings-exports"].map((f) => `test/server/${f}.test.ts`);

test("the server's role, OpenAPI, recipients and findings tests on a Postgres registry", async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, PEDIGREE_TEST_PG: await testCluster(), PEDIGREE_SERVE_TESTS: "postgres" };
  delete env.NODE_TEST_CONTEXT; // a test run of its own, not files of this one
  const child = spawn(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", "--test-concurrency=2", ...FILES], { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr.on("data", (b: Buffer) => (out += b.toString()));
  const code = await new Promise<number | null>((ok) => child.on("close", ok));
  assert.equal(code, 0, out);
  assert.match(out, /ℹ pass 4\b/, out);
});
