/**
 * A registry in a folder the user cannot write (a shared, read-only mount) can still be read:
 * SQLite cannot create the WAL index there (SQLITE_READONLY_DIRECTORY), so reads fall back to a
 * snapshot in memory. Run as an unprivileged user (root ignores permissions: the test then drops to
 * `nobody` for the child that reads).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { computeFingerprint } from "../../src/fingerprint/compute.js";
import { loadModel } from "../../src/load-model.js";
import { openRegistry } from "../../src/registry/open.js";
import { register } from "../../src/registry/store.js";
import { REPO, sharedPath } from "../../src/test-support/shared.js";
import { tempDir } from "../../src/test-support/tmp.js";

test("a registry in a read-only folder can be read (readOnly open), and nothing is written", () => {
  const dir = tempDir("pedigree-ro-");
  const file = join(dir, "registry.db");
  const db = openRegistry(file);
  const m = loadModel(sharedPath("models", "stories260K", "stories260K.gguf"));
  try {
    register(db, computeFingerprint(m), { name: "stories", owner: "me", tier: "open", license: "mit" });
  } finally {
    m.close();
    db.close();
  }
  const before = readFileSync(file);
  chmodSync(file, 0o444);
  chmodSync(dir, 0o555);
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const script = `
    import { openRegistry } from ${JSON.stringify(pathToFileURL(join(REPO, "src/registry/open.ts")).href)};
    import { list } from ${JSON.stringify(pathToFileURL(join(REPO, "src/registry/store.ts")).href)};
    const file = ${JSON.stringify(file)};
    try { openRegistry(file).close(); console.log("write-open: ok"); } catch (e) { console.log("write-open: " + e.code); }
    const db = openRegistry(file, { readOnly: true });
    console.log("models: " + list(db).map((x) => x.name).join(","));
    db.close();`;
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: REPO, encoding: "utf8", ...asNobody, env: { ...process.env, HOME: dir } });
  chmodSync(dir, 0o755);
  assert.equal(r.status, 0, r.stderr);
  // the ordinary open cannot work there (it must switch to WAL and may migrate): the read-only one does
  assert.match(r.stdout, /write-open: bad-input/);
  assert.match(r.stdout, /models: stories/);
  assert.deepEqual(readdirSync(dir), ["registry.db"]);
  assert.ok(readFileSync(file).equals(before));
});
