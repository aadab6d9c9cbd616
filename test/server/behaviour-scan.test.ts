// `POST /api/scans` with `behaviour: true`, end to end on real models (dev-families): three models
// registered with their behavioural fingerprints (A closed of Lab A, B open, D gated of Lab B), an
// analyst scans A-distil (A's student) through the server while the api scans it in this thread;
// the admin's view of the job has the api's behaviour section (the same targets and p-values),
// the analyst's the bounded one (no counts, p-values adjusted for the bound, hidden models masked),
// the public's no result; the page of the finished scan shows it. A behaviour that is not a
// boolean is a 400, for JSON and uploads alike. One registry, one scan each way: each forward
// pass of a dev model costs seconds.
import { before, after, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { BOUNDED_CANDIDATES } from "../../src/api/behaviour-views.js";
import { register } from "../../src/api/register.js";
import { scan, type ScanOutcome } from "../../src/api/scan.js";
import { scanViews } from "../../src/api/scan-views.js";
import { ALPHA_BEHAVIOUR } from "../../src/behaviour/verdict.js";
import { devPath } from "../../src/test-support/dev-truth.js";
import { tempDir } from "../../src/test-support/tmp.js";
import { follow, startLab, type Lab } from "./http.js";

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON documents */
const CHROMIUM = [process.env.PEDIGREE_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => p && existsSync(p));
const MODELS = [
  { name: "A", owner: "Lab A", tier: "closed" as const, mask: "a closed model of Lab A" },
  { name: "B", owner: "Lab B", tier: "open" as const, mask: "B" },
  { name: "D", owner: "Lab B", tier: "gated" as const, mask: "a gated model of Lab B" },
];
const ARTIFACTS = join(import.meta.dirname, "..", "..", "test-artifacts", "ui");
/** The registry's size rounded up to a power of ten (api/scan-views.ts sizeBound). */
const BOUND = 10;

let lab: Lab;
let api: ScanOutcome;
let jobId = "";
let analystDoc: any;
let fullDoc: any;
let progress: any;

before(async () => {
  const reg = join(tempDir("pedigree-serve-behaviour-"), "lab.db");
  for (const m of MODELS) {
    await register({ model: devPath(m.name), registry: reg, behaviour: true, meta: { name: m.name, owner: m.owner, tier: m.tier, license: "apache-2.0", ...(m.tier === "gated" ? { recipients: [] } : {}) } });
  }
  lab = await startLab({ registry: reg });
  const r = await lab.as("analyst").call("POST", "/api/scans", { path: "A-distil", behaviour: true });
  assert.equal(r.status, 202, JSON.stringify(r.json));
  assert.equal(r.json.params.behaviour, true, "the job's parameters carry it");
  jobId = r.json.id;
  // the api's scan in this thread while the job runs in its worker thread (this thread, the
  // server's, is busy meanwhile: its timers run before the next request, so no idle connection
  // it closes is reused)
  api = await scan({ model: devPath("A-distil"), registry: reg, behaviour: true });
  await new Promise((ok) => setTimeout(ok, 100));
  const followed = await follow(lab.s, lab.tokens.analyst, jobId);
  assert.equal(followed.job.status, "done", JSON.stringify(followed.job.error));
  analystDoc = followed.job.result.document;
  const full = (await lab.as("admin").call("GET", `/api/jobs/${jobId}`)).json;
  fullDoc = full.result.document;
  progress = full.progress;
});

after(async () => {
  await lab?.s.close();
});

test("the admin's view: the api's behaviour section, the same targets and p-values; progress counted the forward passes", () => {
  const mine = api.document.behaviour;
  assert.ok(mine, "the api's scan has a behaviour section");
  assert.ok(fullDoc.behaviour, "the job's has one");
  assert.deepEqual(fullDoc.behaviour.candidates.map((c: any) => c.name).sort(), MODELS.map((m) => m.name), "every registered model a target");
  assert.equal(fullDoc.behaviour.registered, MODELS.length);
  // all but the time the forward passes took
  assert.deepEqual({ ...fullDoc.behaviour, cost: { ...fullDoc.behaviour.cost, seconds: 0 } }, JSON.parse(JSON.stringify({ ...mine, cost: { ...mine.cost, seconds: 0 } })));
  for (const c of fullDoc.behaviour.candidates as Array<{ name: string; pValue: number; pAdjusted: number }>) {
    const same: { pValue: number; pAdjusted: number } | undefined = mine.candidates.find((x: { name: string }) => x.name === c.name);
    assert.equal(c.pValue, same?.pValue, c.name);
    assert.equal(c.pAdjusted, same?.pAdjusted, c.name);
  }
  assert.ok(fullDoc.behaviour.cost.tokens > 0 && fullDoc.behaviour.cost.seconds > 0);
  // the job's last progress: the suspect's forward passes, one per probe text
  assert.equal(progress.stage, "forward passes", JSON.stringify(progress));
  assert.ok(progress.total > 0 && progress.done === progress.total, JSON.stringify(progress));
});

test("the analyst's view: no counts, p-values adjusted for the bound, hidden models masked", () => {
  const full = fullDoc.behaviour;
  const b = analystDoc.behaviour;
  assert.ok(b, "the analyst's view keeps a behaviour section");
  assert.equal(b.registered, undefined);
  assert.equal(b.comparable, undefined);
  assert.equal(b.testsCorrectedFor, BOUND);
  assert.equal(b.alphaPerTest, ALPHA_BEHAVIOUR / BOUND);
  assert.equal(b.candidates.length, Math.min(BOUNDED_CANDIDATES, full.candidates.length));
  const mask = new Map(MODELS.map((m) => [m.name, m.mask]));
  b.candidates.forEach((c: any, i: number) => {
    const f = full.candidates[i];
    assert.equal(c.name, mask.get(f.name), "in the full order, masked");
    assert.equal(c.pValue, f.pValue);
    assert.equal(c.pAdjusted, Math.min(1, BOUND * f.pValue));
    assert.equal(c.verdict, f.verdict === "behaviour-derived" && f.pValue > ALPHA_BEHAVIOUR / BOUND ? "inconclusive" : f.verdict);
    assert.deepEqual(Object.keys(c).sort(), ["effect", "level", "name", "pAdjusted", "pValue", "reason", "verdict"]);
    assert.doesNotMatch(c.reason, /\d/, "no count of controls");
  });
  assert.deepEqual(b.derived, full.derived.filter((n: string) => full.candidates.find((c: any) => c.name === n).pValue <= ALPHA_BEHAVIOUR / BOUND).map((n: string) => mask.get(n)));
  assert.doesNotMatch(JSON.stringify(b), /"A"|"D"|"controls"|"pRank"/);
});

test("the public's view: the behaviour section without results; the scan's page shows each view", { skip: CHROMIUM ? false : "chromium is not installed (apt-get install chromium)" }, async () => {
  const open = scanViews(api).open.document.behaviour as any;
  assert.deepEqual([open.candidates, open.derived, open.identical], [[], [], []]);
  assert.match(open.note, /not shown against open models only/);
  assert.doesNotMatch(JSON.stringify(open), /"A"|"D"|Lab A|Lab B|registered"|comparable/);

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  try {
    const errors: string[] = [];
    const pageAs = async (token: string) => {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${lab.s.url}/#scan/${jobId}`);
      await page.fill("#token", token);
      await page.click("#token-form button");
      await page.locator("[data-testid=behaviour] tbody tr").first().waitFor();
      return page;
    };
    const admin = await pageAs(lab.tokens.admin);
    for (const c of fullDoc.behaviour.candidates) {
      const row = await admin.locator(`[data-testid=behaviour] tr[data-candidate="${c.name}"]`).innerText();
      assert.ok(row.includes(c.verdict) && row.includes(c.pValue < 1e-3 ? c.pValue.toExponential(1) : c.pValue.toPrecision(2)), row);
      for (const x of c.controls) assert.ok(row.includes(x.name), `${c.name}'s controls: ${row}`);
    }
    assert.match(await admin.locator("[data-testid=behaviour]").innerText(), /adjusted for 3 tests[\s\S]*tokens/);
    mkdirSync(ARTIFACTS, { recursive: true });
    await admin.screenshot({ path: join(ARTIFACTS, "scan-behaviour-admin-1400.png"), fullPage: true });
    const analyst = await pageAs(lab.tokens.analyst);
    const text = await analyst.locator("[data-testid=behaviour]").innerText();
    assert.match(text, /a closed model of Lab A/);
    assert.match(text, /adjusted for 10 tests/);
    assert.equal(await analyst.locator("[data-testid=behaviour] tbody tr").count(), BOUNDED_CANDIDATES);
    await analyst.setViewportSize({ width: 400, height: 900 });
    await analyst.screenshot({ path: join(ARTIFACTS, "scan-behaviour-analyst-400.png"), fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test("behaviour that is not a boolean: 400 with one JSON line, for JSON bodies and uploads", async () => {
  const analyst = lab.as("analyst");
  for (const v of ["yes", 1, null]) {
    const r = await analyst.call("POST", "/api/scans", { path: "A-distil", behaviour: v });
    assert.equal(r.status, 400, JSON.stringify(r.json));
    assert.equal(r.json.error.code, "usage");
    assert.match(r.json.error.message, /^behaviour must be true or false[^\n]*$/);
  }
  const up = await analyst.call("POST", "/api/scans?filename=model.safetensors&behaviour=yes", new Uint8Array(64), { "content-type": "application/octet-stream" });
  assert.equal(up.status, 400, JSON.stringify(up.json));
  assert.match(up.json.error.message, /^the behaviour query parameter must be true or false$/);
});
