// Registering a model by upload over HTTP: one weight file streamed to disk (size-limited), its
// metadata in the query and checked before a byte is stored, fingerprinted by a job, the upload
// removed afterwards whatever happens (done, failed, refused, or the client gone mid-upload); the
// model it registers is found by later scans.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { follow, ROOT, startLab } from "./http.js";

const OCTET = { "content-type": "application/octet-stream" };

test("register by upload: streamed, limited, checked first, removed after, then found by scans", async () => {
  const lab = await startLab({ maxUploadBytes: 3_000_000 });
  const uploads = join(lab.dir, "uploads");
  const gguf = new Uint8Array(readFileSync(join(ROOT, "A-q8", "A-q8.gguf")));
  const owner = lab.as("owner");
  try {
    const q = (o: Record<string, string>) => new URLSearchParams(o).toString();
    const reg = await owner.call("POST", `/api/models?${q({ filename: "A-q8.gguf", name: "crown", tier: "closed", license: "other", notes: "from the vault" })}`, gguf, OCTET);
    assert.equal(reg.status, 202, JSON.stringify(reg.json));
    assert.equal(reg.json.params.path, "A-q8.gguf", "the job shows the file's name, not the server's folder");
    const done = await follow(lab.s, lab.tokens.owner, reg.json.id);
    assert.equal(done.job.status, "done", JSON.stringify(done.job.error));
    assert.equal(done.job.result.entry.owner, "Lab A");
    assert.equal(done.job.result.entry.summary.format, "gguf");
    assert.deepEqual(readdirSync(uploads), [], "the upload is removed once registered");
    const shown = (await owner.call("GET", "/api/models/crown")).json;
    assert.equal(shown.tier, "closed");
    assert.equal(shown.notes, "from the vault");
    assert.equal(shown.summary.path, "A-q8.gguf");
    assert.equal((await lab.as("analyst").call("GET", "/api/models/crown")).status, 404);

    // later scans find it: the fp16 original carries the uploaded copy's weights
    const scan = await lab.job("analyst", "POST", "/api/scans", { path: "A" });
    assert.ok(scan.result.document.matches.some((m: { name: string; verdict: string }) => m.name === "a closed model of Lab A" && m.verdict === "derived"));

    // refused before anything is stored: bad metadata, a taken name, another organisation, a wrong file name
    const refusals: Array<[string, number, RegExp]> = [
      [q({ filename: "A-q8.gguf", name: "x", license: "mit" }), 400, /tier must be one of/],
      [q({ filename: "A-q8.gguf", name: "crown", tier: "open", license: "mit" }), 409, /already registered/],
      [q({ filename: "A-q8.gguf", name: "y", tier: "open", license: "mit", owner: "Lab B" }), 403, /its own organisation/],
      [q({ filename: "notes.txt", name: "z", tier: "open", license: "mit" }), 400, /must end in \.gguf/],
    ];
    for (const [query, status, message] of refusals) {
      const r = await owner.call("POST", `/api/models?${query}`, gguf, OCTET);
      assert.equal(r.status, status, query);
      assert.match(r.json.error.message, message);
      assert.deepEqual(readdirSync(uploads), [], `nothing stored: ${query}`);
    }
    const big = await owner.call("POST", `/api/models?${q({ filename: "big.gguf", name: "big", tier: "open", license: "mit" })}`, new Uint8Array(3_500_000), OCTET);
    assert.equal(big.status, 413);
    assert.deepEqual(readdirSync(uploads), [], "a refused upload leaves nothing");

    // not a model: the job fails with a one-line error naming the problem, the upload is removed
    const junk = await owner.call("POST", `/api/models?${q({ filename: "junk.gguf", name: "junk", tier: "open", license: "mit" })}`, new Uint8Array(4096).fill(7), OCTET);
    const failed = await follow(lab.s, lab.tokens.owner, junk.json.id);
    assert.equal(failed.job.status, "failed");
    assert.match(failed.job.error.message, /junk\.gguf/);
    assert.doesNotMatch(failed.job.error.message, /\n|uploads/);
    assert.equal((await owner.call("GET", "/api/models/junk")).status, 404, "nothing registered");
    assert.deepEqual(readdirSync(uploads), []);

    // a client that goes away mid-upload leaves nothing behind
    await new Promise<void>((resolve) => {
      const url = new URL(`${lab.s.url}/api/models?${q({ filename: "gone.gguf", name: "gone", tier: "open", license: "mit" })}`);
      const req = request(url, { method: "POST", headers: { ...OCTET, authorization: `Bearer ${lab.tokens.owner}`, "content-length": String(gguf.length) } });
      req.on("error", () => resolve());
      req.on("close", () => resolve());
      req.write(gguf.subarray(0, 200_000), () => setImmediate(() => req.destroy()));
    });
    for (let i = 0; i < 200 && readdirSync(uploads).length > 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(readdirSync(uploads), [], "the half upload is removed");
    assert.equal((await owner.call("GET", "/api/models/gone")).status, 404);
  } finally {
    await lab.s.close();
  }
});
