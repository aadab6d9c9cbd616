import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { PedigreeError } from "../errors.js";
import { encodeFingerprint } from "../fingerprint/codec.js";
import { computeFingerprint } from "../fingerprint/compute.js";
import type { Fingerprint } from "../fingerprint/types.js";
import { loadModel } from "../load-model.js";
import { startMockHub, type MockHub } from "../test-support/mock-hub.js";
import { sharedPath } from "../test-support/shared.js";
import { fingerprintRemote } from "./fingerprint-remote.js";
import { hubLocator, parseHubLocator } from "./hub-model.js";
import { listHubModels, nextLink } from "./list-models.js";

const ROOT = sharedPath("dev-families");
/** One model of each way a folder holds weights: safetensors, sharded, GGUF (K-quants), llama2.c, Mixtral, renamed tensors. */
const MODELS = ["A", "A-cpt", "A-q4k", "S", "A-moe", "A-bf16"];
const FAST = { backoffMs: 5, retries: 8 };

let hub: MockHub;
before(async () => {
  hub = await startMockHub({ root: ROOT, virtual: [{ id: "hostile-header", layers: 1, seed: 1, headerClaim: 200_000_000n }] });
});
after(() => hub.close());

/** The local fingerprint of a dev-family model, named as the hub names it, encoded. */
function localBytes(id: string, remote: Fingerprint): Map<string, Uint8Array> {
  const fp = computeFingerprint(loadModel(`${ROOT}/${id}`));
  fp.summary.path = remote.summary.path;
  fp.summary.files = fp.summary.files.map((f, i) => ({ ...f, file: remote.summary.files[i]?.file ?? f.file }));
  return encodeFingerprint(fp);
}

function assertSameBytes(a: Map<string, Uint8Array>, b: Map<string, Uint8Array>): void {
  assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
  for (const [k, v] of a) assert.ok(Buffer.from(v).equals(Buffer.from(b.get(k) as Uint8Array)), `part ${k} differs`);
}

test("the fingerprint read through the hub is byte-identical to the local one, from part of the bytes", async (t) => {
  for (const id of MODELS) {
    const r = await fingerprintRemote(hub.url, id, FAST);
    assertSameBytes(encodeFingerprint(r.fingerprint), localBytes(id, r.fingerprint));
    assert.equal(r.fingerprint.summary.path, `hub+${hub.url}${id}`);
    t.diagnostic(`${id}: ${r.files.join(", ")}: fetched ${r.bytesFetched} of ${r.fileBytes} bytes (${((100 * r.bytesFetched) / r.fileBytes).toFixed(0)} %) in ${r.requests} requests`);
    if (id !== "A-q4k") assert.ok(r.bytesFetched < r.fileBytes, `${id}: fetched ${r.bytesFetched} of ${r.fileBytes}`);
  }
});

test("listing follows the Link header page by page, with the cards' claims", async () => {
  const seen = [];
  for await (const m of listHubModels(hub.url, { limit: 4, ...FAST })) seen.push(m);
  assert.deepEqual(seen.map((m) => m.id), hub.ids());
  const ft = seen.find((m) => m.id === "A-ft");
  assert.deepEqual(ft?.baseModels, ["A"]);
  assert.equal(ft?.license, "apache-2.0");
  assert.deepEqual(seen.find((m) => m.id === "A-merge")?.baseModels, ["A-ft", "A-ft2"]);
  assert.ok(seen.find((m) => m.id === "A")?.files.some((f) => f.name === "model.safetensors"));
});

test("429s with Retry-After and connections dropped mid-body are retried to the same fingerprint", async () => {
  const faulty = await startMockHub({ root: ROOT, only: ["A", "A-cpt", "A-ft", "S"], faults: { every429: 3, retryAfter: 0, dropRate: 0.3 }, seed: 3 });
  try {
    const ids = [];
    for await (const m of listHubModels(faulty.url, { limit: 1, ...FAST })) ids.push(m.id);
    assert.deepEqual(ids, ["A", "A-cpt", "A-ft", "S"]);
    for (const id of ["A-cpt", "S"]) {
      const r = await fingerprintRemote(faulty.url, id, FAST);
      assertSameBytes(encodeFingerprint(r.fingerprint), localBytes(id, r.fingerprint));
    }
  } finally {
    await faulty.close();
  }
});

/** Rejects with exactly one PedigreeError of `code` whose message or file matches `what`. */
async function refuses(p: Promise<unknown>, code: string, what: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof PedigreeError, String(e));
    assert.equal(e.code, code, e.message);
    assert.match(e.oneLine(), what);
    return true;
  });
}

test("bad servers give one clear error: wrong Content-Range, a header claiming too much, endless 429, a missing model", async () => {
  await refuses(fingerprintRemote(hub.url, "no-such-model", FAST), "not-found", /api\/models\/no-such-model.*404/);
  await refuses(fingerprintRemote(hub.url, "hostile-header", FAST), "bad-input", /hostile-header\/model\.safetensors.*header length 200000000 exceeds/);
  const liar = await startMockHub({ root: ROOT, only: ["A"], faults: { wrongContentRange: true } });
  const busy = await startMockHub({ root: ROOT, only: ["A"], faults: { always429: true, retryAfter: 0 } });
  try {
    await refuses(fingerprintRemote(liar.url, "A", FAST), "bad-input", /resolve\/.*model\.safetensors.*Content-Range bytes 1-/);
    await refuses(fingerprintRemote(busy.url, "A", { backoffMs: 1, retries: 3 }), "unavailable", /api\/models\/A.*after 4 attempts.*HTTP 429/);
    const list = async () => {
      for await (const m of listHubModels(busy.url, { backoffMs: 1, retries: 2 })) void m;
    };
    await refuses(list(), "unavailable", /api\/models\?.*after 3 attempts/);
  } finally {
    await liar.close();
    await busy.close();
  }
});

test("a cancelled fingerprint stops with an aborted error, and the next one still works", async () => {
  const ac = new AbortController();
  let seen = 0;
  const p = fingerprintRemote(hub.url, "A", { ...FAST, signal: ac.signal, onBytes: (n) => { seen += n; if (seen > 100_000) ac.abort("test"); } });
  await refuses(p, "aborted", /cancelled/);
  const r = await fingerprintRemote(hub.url, "S", FAST);
  assertSameBytes(encodeFingerprint(r.fingerprint), localBytes("S", r.fingerprint));
});

test("locators and Link headers", () => {
  assert.deepEqual(parseHubLocator("hub+http://127.0.0.1:8080/org/model-7b"), { hubUrl: "http://127.0.0.1:8080/", id: "org/model-7b" });
  assert.equal(hubLocator("hub+https://hf.example/", "A-ft"), "hub+https://hf.example/A-ft");
  for (const bad of ["hub+http://h/a/b/c", "http://h/A", "hub+http://h/"]) assert.throws(() => parseHubLocator(bad), (e: unknown) => e instanceof PedigreeError && e.code === "bad-input", bad);
  const link = '<https://hf.example/api/models?cursor=abc&limit=2>; rel="next", <https://hf.example/api/models>; rel="first"';
  assert.equal(nextLink(link, "https://hf.example/api/models?limit=2"), "https://hf.example/api/models?cursor=abc&limit=2");
  assert.equal(nextLink('</api/models?p=2>; rel="prev"', "https://hf.example/api/models"), undefined);
});

test("a 7B-shaped model (1 of 32 layers) is fingerprinted from a fraction of its bytes", async (t) => {
  const big = await startMockHub({ virtual: [{ id: "llama-7b-shape", layers: 1, seed: 5 }] });
  try {
    const r = await fingerprintRemote(big.url, "llama-7b-shape", FAST);
    const weights = r.fingerprint.summary.files[0];
    t.diagnostic(`fetched ${r.bytesFetched} of ${r.fileBytes} bytes (${((100 * r.bytesFetched) / r.fileBytes).toFixed(0)} %) in ${r.requests} requests; served ${big.bytesServed.get("llama-7b-shape")}`);
    assert.equal(r.fingerprint.space, "anchors");
    assert.equal(r.fingerprint.dim, 4096);
    assert.equal(weights?.partial, true);
    assert.deepEqual(r.claims.baseModels, ["meta-llama/Llama-2-7b-hf"]);
    assert.ok(r.bytesFetched < 0.3 * r.fileBytes, `fetched ${r.bytesFetched} of ${r.fileBytes}`);
    assert.ok((big.bytesServed.get("llama-7b-shape") ?? 0) <= r.bytesFetched);
  } finally {
    await big.close();
  }
});
