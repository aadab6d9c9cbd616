// pedigree serve over real HTTP on 127.0.0.1: security headers, tokens (stored hashed),
// register/scan jobs with SSE progress, the redaction of closed models for analysts and the public,
// owners' alerts, the append-only audit log, uploads (streamed, size-limited, removed after),
// cancellation, and a restart keeping jobs. (The role table: roles.test.ts; /openapi.json:
// openapi.test.ts.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { openRegistry } from "../../src/registry/open.js";
import type { Role } from "../../src/server/roles.js";
import { startServer } from "../../src/server/start.js";
import { tempDir } from "../../src/test-support/tmp.js";
import { client, follow, ROOT } from "./http.js";

test("pedigree serve: API, roles, jobs, redaction, alerts, audit, uploads, restart", async () => {
  const dir = tempDir("pedigree-serve-");
  const registry = join(dir, "lab.db");
  const uploadDir = join(dir, "uploads");
  const opts = { registry, port: 0, roots: [ROOT], workers: 2, uploadDir, maxUploadBytes: 3_000_000 };
  let s = await startServer(opts);
  try {
    assert.match(s.adminToken ?? "", /^pdg_/);
    const admin = client(s, s.adminToken);
    const anon = client(s);

    const api = await anon.call("GET", "/openapi.json");
    // security headers; no token, a wrong token
    const csp = api.headers.get("content-security-policy") ?? "";
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(api.headers.get("x-content-type-options"), "nosniff");
    assert.equal((await anon.call("GET", "/api/models")).status, 401);
    assert.equal((await client(s, `pdg_${"x".repeat(43)}`).call("GET", "/api/models")).status, 401);
    assert.equal((await anon.call("GET", "/api/health")).status, 200);

    // tokens for every role
    const make = async (role: Role, org?: string) => {
      const r = await admin.call("POST", "/api/tokens", { role, org, label: `${role} ${org ?? ""}` });
      assert.equal(r.status, 201);
      return r.json.secret as string;
    };
    const tokens: Record<Role, string> = { admin: s.adminToken as string, owner: await make("owner", "Lab A"), analyst: await make("analyst"), public: await make("public") };
    const ownerB = await make("owner", "Lab B");
    const listed = await admin.call("GET", "/api/tokens");
    assert.ok(!JSON.stringify(listed.json).includes(tokens.analyst), "secrets are never listed");
    const dbRows = openRegistry(registry).prepare("SELECT hash FROM server_tokens").pluck().all() as string[];
    assert.ok(dbRows.every((h) => /^[0-9a-f]{64}$/.test(h) && !Object.values(tokens).includes(h)), "tokens stored hashed");

    // register: owners for their organisation, paths only under the roots
    const owner = client(s, tokens.owner);
    assert.equal((await owner.call("POST", "/api/models", { path: "/etc/passwd", name: "x", tier: "open", license: "mit" })).status, 404);
    assert.equal((await owner.call("POST", "/api/models", { path: "../../etc", name: "x", tier: "open", license: "mit" })).status, 404);
    assert.equal((await owner.call("POST", "/api/models", { path: "A", name: "A", tier: "closed", license: "other", owner: "Lab B" })).status, 403);
    const reg = await owner.call("POST", "/api/models", { path: "A", name: "A", tier: "closed", license: "other" });
    assert.equal(reg.status, 202);
    const regDone = await follow(s, tokens.owner, reg.json.id);
    assert.equal(regDone.job.status, "done", JSON.stringify(regDone.job));
    assert.ok(regDone.events.includes("progress"), "progress streamed");
    assert.equal(regDone.job.result.entry.owner, "Lab A");
    const regB = await client(s, ownerB).call("POST", "/api/models", { path: "B", name: "B", tier: "open", license: "mit" });
    assert.equal((await follow(s, ownerB, regB.json.id)).job.status, "done");
    assert.equal((await owner.call("POST", "/api/models", { path: "A-ft", name: "A", tier: "open", license: "mit" })).status, 409);

    // visibility: the analyst sees the open model only; the owner its own closed one
    const analyst = client(s, tokens.analyst);
    assert.deepEqual((await analyst.call("GET", "/api/models")).json.models.map((m: { name: string }) => m.name), ["B"]);
    assert.equal((await analyst.call("GET", "/api/models/A")).status, 404);
    assert.equal((await owner.call("GET", "/api/models/A")).json.tier, "closed");
    assert.deepEqual((await owner.call("GET", "/api/models?q=lab%20b")).json.models.map((m: { name: string }) => m.name), ["B"]);

    // an analyst's scan of a derivative of the closed model: the match is masked, the owner alerted
    const sc = await analyst.call("POST", "/api/scans", { path: "A-ft" });
    assert.equal(sc.status, 202);
    const scanned = await follow(s, tokens.analyst, sc.json.id);
    assert.equal(scanned.job.status, "done", JSON.stringify(scanned.job.error));
    const doc = scanned.job.result.document;
    assert.deepEqual(doc.derivedFrom, ["a closed model of Lab A"]);
    assert.ok(!JSON.stringify(scanned.job.result).includes('"A"'), "the closed model's name never reaches the analyst");
    const bom = await analyst.call("GET", `/api/jobs/${sc.json.id}/export/cyclonedx`);
    assert.equal(bom.json.bomFormat, "CycloneDX");
    assert.ok(!JSON.stringify(bom.json).includes('"A"'));
    assert.equal((await owner.call("GET", `/api/jobs/${sc.json.id}`)).status, 404, "another token's job is not visible");
    const alerts = (await owner.call("GET", "/api/alerts")).json.alerts;
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0].model, "A");
    assert.equal((await client(s, ownerB).call("GET", "/api/alerts")).json.alerts.length, 0);

    // the public uploads a quantized copy: streamed to disk, scanned against open models only, removed
    const pub = client(s, tokens.public);
    const gguf = readFileSync(join(ROOT, "A-q8", "A-q8.gguf"));
    const up = await pub.call("POST", "/api/scans?filename=A-q8.gguf", new Uint8Array(gguf), { "content-type": "application/octet-stream" });
    assert.equal(up.status, 202, JSON.stringify(up.json));
    const upDone = await follow(s, tokens.public, up.json.id);
    assert.equal(upDone.job.status, "done", JSON.stringify(upDone.job.error));
    assert.ok(upDone.job.result.document.matches.every((m: { tier: string }) => m.tier === "open"), "only open models' matches");
    assert.deepEqual(upDone.job.result.document.derivedFrom, []);
    assert.ok(!JSON.stringify(upDone.job.result).includes("Lab A"), "no trace of the closed model for the public");
    const sarif = await pub.call("GET", `/api/jobs/${up.json.id}/export/sarif`);
    assert.equal(sarif.json.version, "2.1.0", "the public's exports are made from its own view");
    assert.ok(!JSON.stringify(sarif.json).includes("Lab A"));
    assert.deepEqual(readdirSync(uploadDir), [], "the upload is removed once scanned");
    const big = await pub.call("POST", "/api/scans?filename=big.gguf", new Uint8Array(3_500_000), { "content-type": "application/octet-stream" });
    assert.equal(big.status, 413);
    assert.deepEqual(readdirSync(uploadDir), [], "a refused upload leaves nothing");

    // cancel a job
    const slow = await analyst.call("POST", "/api/scans", { path: "A-moe" });
    const cancelled = await analyst.call("DELETE", `/api/jobs/${slow.json.id}`);
    assert.equal(cancelled.json.status, "cancelled");
    assert.equal((await follow(s, tokens.analyst, slow.json.id)).job.status, "cancelled");

    // the audit log: reads of closed material (a model page, a scan naming it), registrations,
    // tokens; append-only
    assert.deepEqual((await admin.call("GET", `/api/jobs/${sc.json.id}`)).json.result.document.derivedFrom, ["A"]);
    const audit = (await admin.call("GET", "/api/audit")).json.audit as Array<{ action: string; target: string }>;
    for (const a of ["read-model", "read-scan", "register", "create-token"]) assert.ok(audit.some((e) => e.action === a), a);
    assert.ok(!audit.some((e) => e.action === "read-scan" && e.target !== sc.json.id), "the analyst's masked reads are not reads of closed material");
    const db = openRegistry(registry);
    assert.throws(() => db.prepare("DELETE FROM server_audit").run(), /append-only/);
    assert.throws(() => db.prepare("UPDATE server_audit SET action = 'x'").run(), /append-only/);
    db.close();

    // a restart keeps finished jobs, and makes no new admin token
    await s.close();
    s = await startServer(opts);
    assert.equal(s.adminToken, undefined);
    const again = await client(s, tokens.analyst).call("GET", `/api/jobs/${sc.json.id}`);
    assert.equal(again.json.status, "done");
    assert.deepEqual(again.json.result.document.derivedFrom, ["a closed model of Lab A"]);
  } finally {
    await s.close();
  }
});
