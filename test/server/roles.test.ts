// The role x endpoint table over real HTTP: every cell of roles.ts's ACCESS is asserted (allowed:
// anything but 403, never a 5xx; denied: 403), some endpoints through more than one door (a JSON
// body and an upload); no token or an unknown one is 401 everywhere but /api/health.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ACCESS, ROLES, type Endpoint, type Role } from "../../src/server/roles.js";
import { client, startLab } from "./http.js";

const OCTET = { "content-type": "application/octet-stream" };

/** [endpoint, method, path, body?, headers?]: requests that reach each endpoint's role check. */
const PROBES: Array<[Endpoint, string, string, unknown?, Record<string, string>?]> = [
  ["models.list", "GET", "/api/models"],
  ["models.show", "GET", "/api/models/nope"],
  ["models.register", "POST", "/api/models", {}],
  ["models.register", "POST", "/api/models?filename=x.gguf", new Uint8Array([1, 2, 3]), OCTET],
  ["models.remove", "DELETE", "/api/models/nope"],
  ["models.recipients", "GET", "/api/models/nope/recipients"],
  ["models.trace", "POST", "/api/models/nope/trace", {}],
  ["scan", "POST", "/api/scans", { path: "nope" }],
  ["scan", "POST", "/api/scans?filename=x.txt", new Uint8Array([1]), OCTET],
  ["compare", "POST", "/api/compare", { a: "nope", b: "nope" }],
  ["tree", "POST", "/api/tree", "not json"],
  ["jobs.show", "GET", "/api/jobs/nope"],
  ["jobs.show", "GET", "/api/jobs/nope/events"],
  ["jobs.cancel", "DELETE", "/api/jobs/nope"],
  ["jobs.export", "GET", "/api/jobs/nope/export/json"],
  ["findings", "GET", "/api/findings"],
  ["alerts", "GET", "/api/alerts"],
  ["audit", "GET", "/api/audit"],
  ["tokens.create", "POST", "/api/tokens", {}],
  ["tokens.list", "GET", "/api/tokens"],
];

test("roles: every cell of the role x endpoint table, over HTTP", async () => {
  const lab = await startLab();
  try {
    assert.deepEqual([...new Set(PROBES.map((p) => p[0]))].sort(), Object.keys(ACCESS).sort(), "every endpoint is probed");
    const cells: string[] = [];
    for (const [endpoint, method, path, body, headers] of PROBES) {
      for (const role of ROLES) {
        const r = await lab.as(role).call(method, path, body, headers);
        const may = (ACCESS[endpoint] as readonly Role[]).includes(role);
        assert.equal(r.status === 403, !may, `${role} ${endpoint} (${method} ${path}): ${r.status} ${JSON.stringify(r.json)}`);
        assert.ok(r.status < 500 && r.status !== 401, `${role} ${endpoint}: ${r.status}`);
        cells.push(`${role} ${endpoint} ${may ? "allowed" : "denied"}`);
      }
      const anon = await client(lab.s).call(method, path, body, headers);
      assert.equal(anon.status, 401, `no token: ${method} ${path}`);
      const forged = await client(lab.s, `pdg_${"x".repeat(43)}`).call(method, path, body, headers);
      assert.equal(forged.status, 401, `unknown token: ${method} ${path}`);
    }
    assert.equal(new Set(cells).size, Object.keys(ACCESS).length * ROLES.length);
    // the table as the README states it
    assert.deepEqual(ACCESS.audit, ["admin"]);
    assert.deepEqual(ACCESS["models.recipients"], ["admin", "owner"]);
    assert.deepEqual(ACCESS.compare, ["admin", "owner", "analyst"]);
    assert.equal((await client(lab.s).call("GET", "/api/health")).status, 200);
  } finally {
    await lab.s.close();
  }
});
