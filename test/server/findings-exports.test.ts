// GET /api/findings over HTTP, role by role: analysts and the public see their own scans' findings
// (redacted as their job pages are), owners also the findings about their models in anyone's scans
// and nothing about others', admins everything; filters; reads of closed material audited. And a
// finished scan's exports — JSON, CycloneDX 1.6, SPDX 3.0.1, SARIF 2.1.0, report input — each
// valid against its official schema and free of names the reader may not see.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ValidateFunction } from "ajv";
import { cyclonedxValidator, sarifValidator, spdxValidator } from "../../src/test-support/schemas.js";
import { SCAN_SCHEMA } from "../../src/report/scan-document.js";
import { startLab } from "./http.js";

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON documents */
type F = { jobId: string; id: string; about?: string; severity: string; mine: boolean; suspect: string };

test("findings by role, and a scan's exports in every format", async () => {
  // the validators first: compiling them takes seconds, and no connection should idle meanwhile
  const validators: Record<string, ValidateFunction> = { cyclonedx: cyclonedxValidator(), spdx: spdxValidator(), sarif: sarifValidator() };
  const lab = await startLab();
  try {
    await lab.job("owner", "POST", "/api/models", { path: "A", name: "A", tier: "closed", license: "other" });
    await lab.job("ownerB", "POST", "/api/models", { path: "B", name: "B", tier: "open", license: "mit" });
    const leak = await lab.job("analyst", "POST", "/api/scans", { path: "A-ft" });
    const fork = await lab.job("public", "POST", "/api/scans", { path: "B-ft" });

    const get = async (who: "admin" | "owner" | "ownerB" | "analyst" | "public", query = "") => {
      const r = await lab.as(who).call("GET", `/api/findings${query}`);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      return r.json.findings as F[];
    };
    const analyst = await get("analyst");
    assert.ok(analyst.length > 0 && analyst.every((f) => f.jobId === leak.id && f.mine));
    assert.ok(analyst.some((f) => f.id === "leak" && f.about === "a closed model of Lab A"));
    assert.doesNotMatch(JSON.stringify(analyst), /"A"/, "the closed model's name never reaches the analyst");

    const pub = await get("public");
    assert.ok(pub.length > 0 && pub.every((f) => f.jobId === fork.id && f.mine));
    assert.ok(pub.some((f) => f.id === "derivation" && f.about === "B"));

    const owner = await get("owner");
    // every finding about A in anyone's scan (the public's fork of B has the same shape as A)
    assert.ok(owner.length > 0 && owner.every((f) => f.about === "A" && !f.mine), JSON.stringify(owner));
    assert.ok(owner.some((f) => f.id === "leak" && f.suspect === "A-ft" && f.jobId === leak.id));
    assert.ok(owner.some((f) => f.id === "architecture-only" && f.jobId === fork.id));
    const ownerB = await get("ownerB");
    assert.ok(ownerB.length > 0 && ownerB.every((f) => f.about === "B"), "Lab B sees the findings about B only");
    assert.ok(ownerB.some((f) => f.jobId === fork.id && f.id === "derivation"));

    const all = await get("admin");
    assert.deepEqual(new Set(all.map((f) => f.jobId)), new Set([leak.id, fork.id]));
    assert.ok(all.some((f) => f.id === "leak" && f.about === "A"));

    // filters, and a bad one
    assert.deepEqual((await get("owner", "?severity=critical")).map((f) => f.id), ["leak"]);
    assert.deepEqual((await get("owner", "?limit=1")).map((f) => f.jobId), (await get("owner")).filter((f) => f.jobId === fork.id).map((f) => f.jobId), "the newest scan only");
    assert.deepEqual(await get("owner", "?model=B"), []);
    assert.ok((await get("admin", "?model=B")).every((f) => f.about === "B"));
    const bad = await lab.as("owner").call("GET", "/api/findings?limit=0");
    assert.equal(bad.status, 400);
    assert.match(bad.json.error.message, /limit must be/);

    const audit = (await lab.as("admin").call("GET", "/api/audit")).json.audit as Array<{ action: string; role: string; detail: { models: string[] } }>;
    assert.ok(audit.some((e) => e.action === "read-findings" && e.role === "owner" && e.detail.models.includes("A")));
    assert.ok(!audit.some((e) => e.action === "read-findings" && e.role === "analyst"), "masked findings are not reads of closed material");

    // exports of the analyst's scan, each valid, none naming the closed model
    const exp = async (format: string) => {
      const r = await lab.as("analyst").call("GET", `/api/jobs/${leak.id}/export/${format}`);
      assert.equal(r.status, 200, `${format}: ${JSON.stringify(r.json).slice(0, 200)}`);
      assert.doesNotMatch(JSON.stringify(r.json), /"A"|\\"A\\"/, `${format} names no closed model`);
      return r.json;
    };
    assert.equal((await exp("json")).schema, SCAN_SCHEMA);
    for (const [format, validate] of Object.entries(validators)) {
      const doc = await exp(format);
      assert.ok(validate(doc), `${format}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
    }
    const sarif = await exp("sarif");
    assert.ok(sarif.runs[0].results.some((r: any) => r.ruleId === "leak"));
    assert.ok(Array.isArray((await exp("report-input")).findings));

    // the public's exports: its own view, valid too
    const pubBom = (await lab.as("public").call("GET", `/api/jobs/${fork.id}/export/cyclonedx`)).json;
    assert.ok(validators.cyclonedx?.(pubBom));

    // refusals: unknown format, a job that is not a finished scan, another token's job
    const unknown = await lab.as("analyst").call("GET", `/api/jobs/${leak.id}/export/pdf`);
    assert.equal(unknown.status, 400);
    assert.match(unknown.json.error.message, /format must be one of json, cyclonedx, spdx, sarif, report-input/);
    const reg = (await lab.as("admin").call("POST", "/api/models", { path: "C", name: "C", tier: "open", license: "mit", owner: "Pub" })).json;
    assert.equal((await lab.as("admin").call("GET", `/api/jobs/${reg.id}/export/json`)).status, 404);
    assert.equal((await lab.as("owner").call("GET", `/api/jobs/${leak.id}/export/json`)).status, 404);
  } finally {
    await lab.s.close();
  }
});
