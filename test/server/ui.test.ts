// The web UI end to end in Debian's Chromium (playwright-core; .ci/run installs `chromium`):
// an owner registers a closed model (API), scans a forged leak of it through the UI (path form,
// with the behavioural test), sees the leak finding, the layer heatmap and the behaviour section
// ("nothing tested": no registered behavioural fingerprint); an analyst's UI never shows the closed
// model's name. Screenshots (1400 px and 400 px wide) go to test-artifacts/ui/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { forge } from "../../src/api/forge.js";
import { mark } from "../../src/api/mark.js";
import { startServer } from "../../src/server/start.js";
import { devPath } from "../../src/test-support/dev-truth.js";
import { tempDir } from "../../src/test-support/tmp.js";

const CHROMIUM = [process.env.PEDIGREE_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => p && existsSync(p));
const ARTIFACTS = join(import.meta.dirname, "..", "..", "test-artifacts", "ui");

test("web UI: register closed, scan a forged leak, leak finding + heatmap + behaviour note; analyst sees no closed name", { skip: CHROMIUM ? false : "chromium is not installed (apt-get install chromium)" }, async () => {
  const dir = tempDir("pedigree-ui-");
  const models = join(dir, "models");
  mkdirSync(models);
  await forge({ input: devPath("A"), steps: "permute,finetune-drift:0.05", out: join(models, "leak"), seed: 3 });
  const s = await startServer({ registry: join(dir, "lab.db"), port: 0, roots: [models, devPath("")], workers: 1 });
  mkdirSync(ARTIFACTS, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  try {
    const call = async (token: string, method: string, path: string, body?: unknown) => {
      const r = await fetch(`${s.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
      return (await r.json()) as Record<string, unknown>;
    };
    const admin = s.adminToken as string;
    const owner = (await call(admin, "POST", "/api/tokens", { role: "owner", org: "Secret Lab" })).secret as string;
    const analyst = (await call(admin, "POST", "/api/tokens", { role: "analyst" })).secret as string;
    const reg = await call(owner, "POST", "/api/models", { path: "A", name: "crown-jewel", tier: "closed", license: "other" });
    for (let i = 0; i < 600; i++) {
      const j = await call(owner, "GET", `/api/jobs/${String(reg.id)}`);
      if (j.status !== "queued" && j.status !== "running") {
        assert.equal(j.status, "done", JSON.stringify(j.error));
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }

    await mark({ master: devPath("A"), model: "crown-jewel", recipient: "Partner <b>X</b>", key: new Uint8Array(32).fill(9), out: join(dir, "copy"), registry: s.registry });

    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    // HTTP refusals the page shows (401 before the token is given) are not script errors
    page.on("console", (m) => m.type() === "error" && !m.text().startsWith("Failed to load resource") && errors.push(m.text()));
    await page.goto(s.url);
    await page.fill("#token", owner);
    await page.click("#token-form button");
    await page.getByRole("link", { name: "crown-jewel" }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, "models-owner-1400.png"), fullPage: true });

    await page.click("nav >> text=Scan");
    await page.fill("input[name=path]", join(models, "leak"));
    // with the behavioural test: no registered model has a behavioural fingerprint, so nothing is tested
    await page.check("input[name=behaviour]");
    await page.click("text=Scan path");
    await page.locator("[data-testid=scan-result]").waitFor({ timeout: 300_000 });
    await page.locator("[data-finding=leak]").waitFor();
    assert.match(await page.locator("[data-finding=leak]").innerText(), /crown-jewel/);
    assert.match(await page.locator("[data-testid=behaviour-note]").innerText(), /^Nothing tested: too few registered models with a comparable behavioural fingerprint/);
    assert.match(await page.locator("[data-testid=behaviour]").innerText(), /cost \d+ tokens, [\d.]+ s of forward passes/);
    assert.match(page.url(), /#scan\/[\w-]+$/, "the finished scan's own address");
    const cells = await page.locator("[data-testid=heatmap] div").count();
    assert.equal(cells, 6, "one heatmap cell per layer of the suspect");
    await page.screenshot({ path: join(ARTIFACTS, "scan-owner-1400.png"), fullPage: true });
    await page.setViewportSize({ width: 400, height: 900 });
    await page.screenshot({ path: join(ARTIFACTS, "scan-owner-400.png"), fullPage: true });
    const overflow = (await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")) as number;
    assert.ok(overflow <= 0, `readable at 400 px without sideways scrolling (overflow ${overflow} px)`);
    await page.setViewportSize({ width: 1400, height: 1000 });

    // the owner's model page lists the issued copy (its recipient as text, never markup); the
    // findings page has the leak
    await page.goto(`${s.url}/#model/crown-jewel`);
    await page.locator("[data-testid=issued-copies] td").first().waitFor();
    assert.equal(await page.locator("[data-testid=issued-copies] td").first().innerText(), "Partner <b>X</b>");
    await page.screenshot({ path: join(ARTIFACTS, "model-owner-1400.png"), fullPage: true });
    await page.click("nav >> text=Findings");
    await page.getByText("Weights of closed model \"crown-jewel\"").first().waitFor();

    // the analyst: the model list and the same scan never show the closed model's name
    const other = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    other.on("pageerror", (e) => errors.push(e.message));
    await other.goto(s.url);
    await other.fill("#token", analyst);
    await other.click("#token-form button");
    await other.locator("main table").waitFor();
    assert.doesNotMatch(await other.locator("main").innerText(), /crown-jewel/);
    await other.goto(`${s.url}/#model/crown-jewel`);
    await other.locator("main .error").waitFor();
    assert.equal(await other.locator("[data-testid=issued-copies]").count(), 0, "no issued copies for an analyst");
    await other.click("nav >> text=Scan");
    await other.fill("input[name=path]", join(models, "leak"));
    await other.click("text=Scan path");
    await other.locator("[data-testid=scan-result]").waitFor({ timeout: 300_000 });
    const text = await other.locator("main").innerText();
    assert.match(text, /a closed model of Secret Lab/);
    assert.doesNotMatch(text, /crown-jewel/);
    await other.screenshot({ path: join(ARTIFACTS, "scan-analyst-1400.png"), fullPage: true });
    assert.deepEqual(errors, [], "no script errors and no CSP violations");
  } finally {
    await browser.close();
    await s.close();
  }
});
