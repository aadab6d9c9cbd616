/**
 * THE KILL TEST: a child process writes to a registry in a loop (kill-writer.ts: registrations,
 * removals, whole-file imports with replace) and is SIGKILLed at a random moment, several times
 * over the same registry. After each kill the registry must pass `PRAGMA integrity_check`, hold no
 * half-registered model (every model row has all its parts, decoding, and exactly its postings:
 * verifyRegistry), and keep intact, byte for byte, every model whose commit the child reported —
 * in this round and all before — while every removal it reported stays removed. The one write in
 * flight at the kill may or may not have committed (its report may be lost with the process): a
 * model it added is whole if present, one it removed is whole or gone. Nothing else may appear.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { encodeFingerprint } from "../../src/fingerprint/codec.js";
import { exportLines } from "../../src/registry/export.js";
import { openRegistry } from "../../src/registry/open.js";
import { count, get, list, loadAllParts, register, resolveModel } from "../../src/registry/store.js";
import { verifyRegistry } from "../../src/registry/verify.js";
import { REPO, sharedPath } from "../../src/test-support/shared.js";
import { tempDir } from "../../src/test-support/tmp.js";
import { fingerprintOf, metaFor, newRegistryPath } from "./support.js";

const ROUNDS = 6;
const SOURCES = ["A", "S", "D-q4k"];

interface Round {
  lines: string[];
  stderr: string;
  signal: NodeJS.Signals | null;
  code: number | null;
  delay: number;
}

function runAndKill(registry: string, exportFile: string, prefix: string): Promise<Round> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(REPO, "test", "registry", "kill-writer.ts"), registry, exportFile, prefix], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let stderr = "";
    let delay = -1;
    const guard = setTimeout(() => child.kill("SIGKILL"), 90_000);
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (s: string) => (stderr += s));
    child.stdout.on("data", (s: string) => {
      out += s;
      if (delay < 0 && out.includes("ready\n")) {
        delay = 200 + Math.floor(Math.random() * 600);
        setTimeout(() => child.kill("SIGKILL"), delay);
      }
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(guard);
      resolve({ lines: out.split("\n").filter(Boolean), stderr, signal, code, delay });
    });
  });
}

test("THE KILL TEST: SIGKILL mid-write never leaves a half-registered model or loses a committed one", { timeout: 300_000 }, async (t) => {
  // what the child writes: an export of three dev models
  const srcDb = openRegistry(newRegistryPath());
  for (const id of SOURCES) register(srcDb, fingerprintOf(sharedPath("dev-families", id)), metaFor(`source-${id}`));
  const exportFile = join(tempDir(), "sources.jsonl");
  writeFileSync(exportFile, `${[...exportLines(srcDb)].join("\n")}\n`);
  srcDb.close();
  const sourceParts = SOURCES.map((id) => encodeFingerprint(fingerprintOf(sharedPath("dev-families", id))));
  const sameParts = (got: Map<string, Uint8Array>, want: Map<string, Uint8Array>, what: string) => {
    assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort(), what);
    for (const [k, v] of want) assert.ok(Buffer.from(got.get(k) as Uint8Array).equals(Buffer.from(v)), `${what} ${k}`);
  };

  const registry = newRegistryPath();
  const committed = new Map<string, number>(); // name -> source index
  const removed = new Set<string>();
  /** Names touched by the write in flight at a kill: present (whole) or absent. */
  const uncertain = new Set<string>();
  let imported = false;
  let midWrite = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const r = await runAndKill(registry, exportFile, `r${round}`);
    assert.equal(r.signal, "SIGKILL", `the writer should run until killed (exit ${r.code}): ${r.stderr}`);
    assert.ok(r.lines.includes("ready"), `the writer never got ready: ${r.stderr}`);
    for (const line of r.lines) {
      const [what, name, k] = line.split(" ") as [string, string | undefined, string | undefined];
      if (what === "ok") committed.set(name as string, Number(k));
      else if (what === "rm") {
        committed.delete(name as string);
        removed.add(name as string);
      } else if (what === "import") imported = true;
    }
    const last = r.lines[r.lines.length - 1] ?? "";
    if (last.startsWith("begin")) midWrite++;
    const [lastWhat, lastName] = last.split(" ");
    if ((lastWhat === "begin" || lastWhat === "begin-rm") && lastName) {
      committed.delete(lastName);
      uncertain.add(lastName);
    }

    const db = openRegistry(registry, { check: "full" });
    try {
      assert.deepEqual(verifyRegistry(db), [], `round ${round}`);
      for (const [name, k] of committed) sameParts(loadAllParts(db, resolveModel(db, name)), sourceParts[k] as Map<string, Uint8Array>, `round ${round}: ${name}`);
      for (const name of removed) assert.equal(get(db, name), undefined, `round ${round}: ${name} was removed`);
      SOURCES.forEach((id, k) => {
        const name = `source-${id}`;
        if (imported || get(db, name)) sameParts(loadAllParts(db, resolveModel(db, name)), sourceParts[k] as Map<string, Uint8Array>, `round ${round}: ${name}`);
      });
      const sourceOf = (name: string) => /^r\d+-(\d+)$/.exec(name);
      for (const { name } of list(db)) {
        if (name.startsWith("source-")) continue;
        assert.ok(committed.has(name) || uncertain.has(name), `round ${round}: ${name} is in the registry but was never committed`);
        const m = sourceOf(name);
        if (uncertain.has(name) && m) sameParts(loadAllParts(db, resolveModel(db, name)), sourceParts[Number(m[1]) % SOURCES.length] as Map<string, Uint8Array>, `round ${round}: ${name} (in flight at a kill)`);
      }
      t.diagnostic(`round ${round}: killed ${r.delay} ms after ready, last line "${last}"; ${count(db)} models, ${committed.size} confirmed, ${uncertain.size} in flight at kills`);
    } finally {
      db.close();
    }
  }
  assert.ok(committed.size >= ROUNDS, `the writer committed too little to test anything (${committed.size})`);
  t.diagnostic(`${midWrite} of ${ROUNDS} kills landed between a "begin" and its commit report`);
});
