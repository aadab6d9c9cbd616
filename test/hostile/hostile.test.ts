/**
 * Every hostile input of issue 11, made at test time, through the CLI as a user would run it: the
 * documented exit code, one stderr line naming the file for refusals, nothing raw on stdout, and a
 * bound on the child's peak memory (the budget is ~1 GB; the cases are sized so that trusting the
 * file would blow well past it). A hang fails by the child's timeout.
 */
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runCliMeasured } from "../../src/test-support/cli.js";
import { HOSTILE_CASES } from "../../src/test-support/hostile.js";
import { tempDir } from "../../src/test-support/tmp.js";

/** Peak RSS allowed for any hostile input (Node and tsx alone take ~150 MB). */
const MEMORY_BOUND_MB = 1024;

const only = process.env.PEDIGREE_HOSTILE_ONLY;
for (const c of HOSTILE_CASES.filter((x) => !only || x.id === only)) {
  test(`hostile ${c.id}: ${c.defect}`, (ctx) => {
    const dir = join(tempDir("pedigree-hostile-"), c.id);
    mkdirSync(dir, { recursive: true });
    const { args } = c.make(dir);
    const r = runCliMeasured(args, { timeoutMs: 120_000 });
    assert.notEqual(r.code, -1, `${c.id}: killed after 120 s (a hang)`);
    assert.equal(r.code, c.expect.code, `${c.id}: exit code (stderr: ${r.stderr.slice(0, 500)})`);
    ctx.diagnostic(`${c.id}: exit ${r.code}, peak RSS ${r.peakMB.toFixed(0)} MB`);
    assert.ok(r.peakMB < MEMORY_BOUND_MB, `${c.id}: peak memory ${r.peakMB.toFixed(0)} MB`);
    if (c.expect.code === 2) {
      const lines = r.stderr.trim().split("\n");
      assert.equal(lines.length, 1, `${c.id}: one line expected, got: ${r.stderr.slice(0, 500)}`);
      // under --json the error is {"error": {code, message, file}}: matched as "<file>: <message>"
      const line = args.includes("--json")
        ? ((e: { error: { message: string; file?: string } }) => `${e.error.file ?? ""}: ${e.error.message}`)(JSON.parse(lines[0] as string) as { error: { message: string; file?: string } })
        : (lines[0] as string);
      assert.match(line, c.expect.error as RegExp);
      assert.doesNotMatch(r.stderr, /internal error|\bat .*\.(ts|js):\d+/);
    }
    // eslint-disable-next-line no-control-regex -- whatever the input, stderr never carries a raw control or bidi character
    assert.doesNotMatch(r.stderr.replace(/\n/g, ""), /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/, `${c.id}: raw control character on stderr`);
    if (c.expect.stdout) assert.match(r.stdout, c.expect.stdout, `${c.id}: stdout`);
    if (c.expect.notStdout) assert.doesNotMatch(r.stdout, c.expect.notStdout, `${c.id}: stdout`);
  });
}
