/**
 * Progress as a user sees it (issue 11): `compare` names its stages and advances through them,
 * counts carry their unit and thousands separators, time left is labelled ETA; nothing is drawn
 * when stderr is not a terminal or under --json. The terminal is a real pseudo-terminal (util-linux
 * `script`). `import` reads its file line by line, reporting the bytes read as it goes, and a
 * cancellation midway leaves the registry as it was.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { exportRegistry, importRegistry, list, register } from "../../src/api/index.js";
import { formatCount, formatDuration, progressEnabled, progressLine } from "../../src/cli/progress.js";
import { AbortedError } from "../../src/errors.js";
import { REPO, sharedPath } from "../../src/test-support/shared.js";
import { tempDir } from "../../src/test-support/tmp.js";
import { statSync } from "node:fs";

/** The terminal escape that starts "erase to end of line". */
const ESC = "\u001b";
const A = sharedPath("dev-families", "A");
const DROP = sharedPath("dev-families", "A-drop");

/** The CLI in a pseudo-terminal: everything it wrote to the terminal (stdout and stderr). */
function inTerminal(args: string[]): { code: number; screen: string } {
  const env = { ...process.env };
  delete env.PEDIGREE_NO_PROGRESS;
  const cmd = ["node", "--import", "tsx", join(REPO, "src", "cli", "run.ts"), ...args].map((a) => `'${a}'`).join(" ");
  const r = spawnSync("script", ["-qfec", cmd, "/dev/null"], { cwd: REPO, encoding: "utf8", env, timeout: 120_000 });
  return { code: r.status ?? -1, screen: r.stdout };
}

test("the progress line: stage n/m, counts with unit and thousands separators, ETA labelled, within the width", () => {
  const line = progressLine({ label: "compare", stage: { name: "layers", unit: "layer pairs" }, index: 1, stages: 6, done: 1234, total: 12000, etaSeconds: 200, width: 80 });
  assert.equal(line, "compare [2/6 layers] [#---------]  10% 1,234/12,000 layer pairs, ETA 3 min 20 s");
  assert.ok(line.length < 80);
  assert.equal(formatCount(2_700_000_000), "2,700,000,000");
  assert.equal(formatDuration(0.2), "1 s");
  assert.equal(formatDuration(7300), "2 h 1 min");
  // no ETA when done, and narrow terminals drop the bar before anything else
  assert.equal(progressLine({ label: "scan", stage: { name: "compare", unit: "models" }, index: 1, stages: 2, done: 8, total: 8, etaSeconds: 3, width: 40 }), "scan [2/2 compare] 100% 8/8 models");
  assert.equal(progressEnabled(false, { isTTY: false }), false);
  assert.equal(progressEnabled(true, { isTTY: true }), false);
});

test("compare in a terminal: every stage in order, advancing, the line cleared at the end; none under --json or into a pipe", () => {
  const t = inTerminal(["compare", A, DROP]);
  assert.equal(t.code, 0, t.screen);
  const frames = t.screen.split("\r").map((s) => s.replaceAll(`${ESC}[K`, "").trim()).filter((s) => s.startsWith("compare ["));
  const stages = [...new Set(frames.map((f) => /^compare \[(\d)\/6 ([a-z ]+)\]/.exec(f)?.slice(1, 3).join(" ")))];
  assert.deepEqual(stages, ["1 frame", "2 layers", "3 attention", "4 tokens", "5 exact test", "6 transforms"]);
  const layerPercents = new Set(frames.filter((f) => f.includes("[2/6 layers]")).map((f) => /(\d+)%/.exec(f)?.[1]));
  assert.ok(layerPercents.size >= 3, `the layers stage advances: ${[...layerPercents].join(", ")}`);
  assert.ok(frames.every((f) => / \d[\d,]*\/\d[\d,]* (steps|layer pairs|layers)\b/.test(f)), "every count has its unit");
  for (const f of frames) assert.ok(f.length <= 80, f);
  assert.ok(t.screen.includes(`\r${ESC}[K`), "the progress line is cleared before the report");
  assert.match(t.screen, /DERIVED/);

  const json = inTerminal(["compare", A, DROP, "--json"]);
  assert.equal(json.code, 0);
  assert.ok(!json.screen.includes("compare [") && !json.screen.includes(ESC), "no progress under --json");
  assert.equal((JSON.parse(json.screen) as { schema: string }).schema, "pedigree.compare/1");

  const env = { ...process.env };
  delete env.PEDIGREE_NO_PROGRESS;
  const piped = spawnSync(process.execPath, ["--import", "tsx", join(REPO, "src", "cli", "run.ts"), "compare", A, DROP], { cwd: REPO, encoding: "utf8", env });
  assert.equal(piped.status, 0);
  assert.equal(piped.stderr, "", "no progress when stderr is not a terminal");
});

test("import streams its file line by line with progress in bytes; cancelled midway, nothing is imported", async () => {
  const dir = tempDir("pedigree-import-progress-");
  const src = join(dir, "src.db");
  for (const [model, name] of [[A, "A"], [sharedPath("dev-families", "B"), "B"], [sharedPath("dev-families", "S"), "S"]] as const) {
    await register({ model, meta: { name, owner: "lab", tier: "open", license: "mit" }, registry: src });
  }
  const file = join(dir, "export.jsonl");
  await exportRegistry({ registry: src, out: file });
  const size = statSync(file).size;

  const seen: Array<{ done: number; total: number }> = [];
  const dst = join(dir, "dst.db");
  const r = await importRegistry({ file, registry: dst, onProgress: (e) => seen.push({ done: e.done, total: e.total }) });
  assert.deepEqual(r.names, ["A", "B", "S"]);
  assert.equal(seen.length, 4, "one report per line: the header and three models");
  assert.ok(seen.every((e, i) => e.total === size && (i === 0 || e.done > (seen[i - 1]?.done ?? 0))), JSON.stringify(seen));
  assert.equal(seen.at(-1)?.done, size);
  assert.ok((seen[1]?.done ?? size) < size, "the first model is reported before the file is read to its end");

  const other = join(dir, "other.db");
  const controller = new AbortController();
  await assert.rejects(
    importRegistry({ file, registry: other, signal: controller.signal, onProgress: (e) => { if (e.done > size / 2) controller.abort("SIGINT"); } }),
    (e: unknown) => e instanceof AbortedError,
  );
  assert.deepEqual((await list({ registry: other })).models, [], "the cancelled import left nothing");
});
