// Issued copies over HTTP: the marked copies of a model (issued with api/mark, listed by
// api/trace's recipients()) are shown to its organisation's owners and admins only — another
// organisation's owner gets 403 for a model it can see and 404 for one it cannot, analysts and the
// public 403 — and every such read is audited. A trace job (api/trace's trace()) names the
// recipient whose copy a suspect is, from a master and key file under the server's roots.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { mark } from "../../src/api/mark.js";
import { TRACE_SCHEMA } from "../../src/api/trace.js";
import { devPath } from "../../src/test-support/dev-truth.js";
import { tempDir } from "../../src/test-support/tmp.js";
import { follow, ROOT, startLab } from "./http.js";

const KEY = new Uint8Array(Buffer.from("serve-test-key: 0123456789abcdef"));

test("issued copies: owners of the model's organisation and admins only", async () => {
  const vault = tempDir("pedigree-vault-");
  const lab = await startLab({ roots: [ROOT, vault] });
  try {
    await lab.job("owner", "POST", "/api/models", { path: "A", name: "A", tier: "closed", license: "other" });
    await lab.job("owner", "POST", "/api/models", { path: "C", name: "C", tier: "gated", license: "other" });
    await lab.job("ownerB", "POST", "/api/models", { path: "B", name: "B", tier: "open", license: "mit" });
    const issued = await mark({ master: devPath("A"), model: "A", recipient: "Partner <X> & co", key: KEY, out: join(vault, "copy-x"), registry: lab.s.registry });
    await mark({ master: devPath("A"), model: "A", recipient: "Partner Y", key: KEY, out: join(vault, "copy-y"), registry: lab.s.registry });

    const own = await lab.as("owner").call("GET", "/api/models/A/recipients");
    assert.equal(own.status, 200, JSON.stringify(own.json));
    assert.equal(own.json.model, "A");
    assert.deepEqual(own.json.recipients.map((r: { recipient: string }) => r.recipient), ["Partner <X> & co", "Partner Y"]);
    assert.equal(own.json.recipients[0].fileSha256, issued.copy.fileSha256);
    assert.equal(own.json.recipients[0].keySha256, issued.copy.keySha256);
    assert.ok(!JSON.stringify(own.json).includes(lab.s.registry), "the registry's file is not shown");
    assert.deepEqual((await lab.as("owner").call("GET", "/api/models/C/recipients")).json.recipients, [], "none issued yet");
    assert.equal((await lab.as("admin").call("GET", "/api/models/A/recipients")).json.recipients.length, 2);

    const ownerB = lab.as("ownerB");
    assert.equal((await ownerB.call("GET", "/api/models/A/recipients")).status, 404, "a closed model of another organisation does not exist for it");
    assert.equal((await ownerB.call("GET", "/api/models/B/recipients")).status, 200);
    const other = await lab.as("owner").call("GET", "/api/models/B/recipients");
    assert.equal(other.status, 403, "an open model of another organisation: seen, but not its copies");
    assert.match(other.json.error.message, /owning organisation/);
    for (const role of ["analyst", "public"] as const) assert.equal((await lab.as(role).call("GET", "/api/models/B/recipients")).status, 403, role);
    assert.equal((await lab.as("admin").call("GET", "/api/models/nope/recipients")).status, 404);

    // trace: the suspect is X's copy; the master and the key file are on the server, under a root
    mkdirSync(join(vault, "keys"));
    writeFileSync(join(vault, "keys", "a.key"), KEY);
    const traced = await lab.job("owner", "POST", "/api/models/A/trace", { suspect: join(vault, "copy-x"), master: "A", key: join(vault, "keys", "a.key") });
    const doc = traced.result.document;
    assert.equal(doc.schema, TRACE_SCHEMA);
    assert.deepEqual(doc.named.map((n: { recipient: string }) => n.recipient), ["Partner <X> & co"]);
    assert.equal(doc.tested, 2);
    const outside = await lab.as("owner").call("POST", "/api/models/A/trace", { suspect: join(vault, "copy-x"), master: "A", key: "/etc/hostname" });
    assert.equal(outside.status, 404, "a key outside the roots is never read");
    assert.equal((await ownerB.call("POST", "/api/models/A/trace", { suspect: "A", master: "A", key: "A" })).status, 404);
    assert.equal((await lab.as("owner").call("POST", "/api/models/B/trace", { suspect: "B", master: "B", key: "B" })).status, 403);
    const wrongKey = await lab.as("owner").call("POST", "/api/models/A/trace", { suspect: join(vault, "copy-x"), master: "A", key: join(vault, "copy-x", "model.safetensors") });
    const failed = await follow(lab.s, lab.tokens.owner, wrongKey.json.id);
    assert.equal(failed.job.status, "failed");
    assert.match(failed.job.error.message, /key/);

    const audit = (await lab.as("admin").call("GET", "/api/audit")).json.audit as Array<{ action: string; role: string; target: string }>;
    assert.ok(audit.some((e) => e.action === "read-recipients" && e.role === "owner" && e.target === "A"));
    assert.equal(audit.filter((e) => e.action === "read-recipients" && e.target === "B").length, 1, "Lab B's read only: a refused read is no read");
    assert.ok(audit.some((e) => e.action === "trace" && e.target === "A"));
  } finally {
    await lab.s.close();
  }
});
