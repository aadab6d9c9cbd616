/**
 * The registry as a library: every model of ../shared registered and read back byte for byte,
 * list/get/remove, lazy part loading, refusals that leave the registry unchanged, schema checks
 * on open, and candidate search finding a derived model's origin.
 */
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { decodeLayer, encodeFingerprint } from "../../src/fingerprint/codec.js";
import { BadInputError, PedigreeError, UsageError } from "../../src/errors.js";
import { bandKeys } from "../../src/registry/band-keys.js";
import { exportLines } from "../../src/registry/export.js";
import { importRegistry } from "../../src/registry/import.js";
import { SCHEMA_VERSION } from "../../src/registry/migrations.js";
import { defaultRegistryPath, openRegistry, registryError } from "../../src/registry/open.js";
import { candidates, count, get, list, loadAllParts, loadFingerprint, loadParts, register, remove, resolveModel } from "../../src/registry/store.js";
import { verifyRegistry } from "../../src/registry/verify.js";
import { devModelIds, sharedPath } from "../../src/test-support/shared.js";
import { tempDir, tempFile } from "../../src/test-support/tmp.js";
import { allModels, devRoot, DEV_PARENTS, fingerprintOf, metaFor, newRegistryPath } from "./support.js";

const models = allModels();

test(`registers all ${models.length} models of ../shared and reads each back byte for byte`, () => {
  assert.ok(models.length >= 45, `${models.length} models`);
  const path = newRegistryPath();
  const db = openRegistry(path);
  try {
    for (const [name, p] of models) {
      const fp = fingerprintOf(p);
      const entry = register(db, fp, metaFor(name, { declaredBase: DEV_PARENTS[name]?.[0], released: "2025-06-30" }));
      assert.equal(entry.name, name);
      assert.equal(entry.partCount, fp.layers.length + 1, name);
      assert.equal(entry.postingCount, bandKeys(fp.index).length, name);
      assert.equal(entry.summary.architecture, fp.summary.architecture);
    }
    assert.equal(count(db), models.length);
    const listed = list(db);
    assert.deepEqual(listed.map((m) => m.name), models.map(([n]) => n).sort());
    for (const [name, p] of models) {
      const want = encodeFingerprint(fingerprintOf(p));
      const id = resolveModel(db, name);
      const got = loadAllParts(db, id);
      assert.deepEqual([...got.keys()], [...want.keys()], name);
      for (const [part, bytes] of want) assert.ok(Buffer.from(got.get(part) as Uint8Array).equals(Buffer.from(bytes)), `${name} ${part}`);
      // decodes whole, and part by part
      const fp = loadFingerprint(db, name);
      assert.equal(fp.layers.length, fingerprintOf(p).layers.length);
      assert.deepEqual(Array.from(fp.index.codes), Array.from(fingerprintOf(p).index.codes));
      if (fp.layers.length > 1) {
        const lazy = loadParts(db, id, ["layer.1", "layer.999"]);
        assert.deepEqual([...lazy.keys()], ["layer.1"]);
        assert.equal(decodeLayer(lazy.get("layer.1") as Uint8Array).layer, 1);
      }
    }
    const a = get(db, "A");
    assert.ok(a);
    assert.equal(a.tier, "open");
    assert.equal(a.released, "2025-06-30");
    assert.equal(a.summary.format, "safetensors");
    assert.deepEqual(verifyRegistry(db), []);
  } finally {
    db.close();
  }
  // reopened: still all there, still whole
  const again = openRegistry(path, { check: "full" });
  assert.equal(count(again), models.length);
  assert.deepEqual(verifyRegistry(again), []);
  again.close();
});

test("a duplicate name is refused and changes nothing; remove deletes parts and postings", () => {
  const db = openRegistry(newRegistryPath());
  try {
    const a = fingerprintOf(sharedPath("dev-families", "A"));
    const b = fingerprintOf(sharedPath("dev-families", "B"));
    register(db, a, metaFor("A"));
    const before = [db.prepare("SELECT count(*) FROM models").pluck().get(), db.prepare("SELECT count(*) FROM fingerprint_parts").pluck().get(), db.prepare("SELECT count(*) FROM index_postings").pluck().get()];
    assert.throws(() => register(db, b, metaFor("A")), (e: unknown) => e instanceof UsageError && /already registered/.test(e.message));
    const after = [db.prepare("SELECT count(*) FROM models").pluck().get(), db.prepare("SELECT count(*) FROM fingerprint_parts").pluck().get(), db.prepare("SELECT count(*) FROM index_postings").pluck().get()];
    assert.deepEqual(after, before);
    assert.deepEqual(Array.from(loadFingerprint(db, "A").index.codes), Array.from(a.index.codes));

    register(db, b, metaFor("B", { tier: "gated", recipients: ["lab-1", "lab-2"] }));
    assert.deepEqual(get(db, "B")?.recipients, ["lab-1", "lab-2"]);
    assert.equal(get(db, "A")?.recipients, null);
    const removed = remove(db, "A");
    assert.equal(removed.name, "A");
    assert.equal(get(db, "A"), undefined);
    assert.equal(db.prepare("SELECT count(*) FROM fingerprint_parts WHERE model_id = ?").pluck().get(removed.id), 0);
    assert.equal(db.prepare("SELECT count(*) FROM index_postings WHERE model_id = ?").pluck().get(removed.id), 0);
    assert.throws(() => remove(db, "A"), (e: unknown) => e instanceof PedigreeError && e.code === "not-found");
    assert.deepEqual(verifyRegistry(db), []);
  } finally {
    db.close();
  }
});

test("bad metadata is refused before anything is written", () => {
  const db = openRegistry(newRegistryPath());
  const fp = fingerprintOf(sharedPath("dev-families", "S"));
  try {
    const bad: Array<Partial<Parameters<typeof metaFor>[1]> & { name?: string }> = [
      { name: "" }, { name: " padded" }, { name: "line\nbreak" }, { owner: "" },
      { tier: "secret" as never }, { released: "2024-02-30" }, { released: "24-01-01" }, { license: "not a licence id" },
      { tier: "open", recipients: ["x"] }, { tier: "gated", recipients: ["x", "x"] },
    ];
    for (const b of bad) assert.throws(() => register(db, fp, { ...metaFor("S"), ...b }), UsageError, JSON.stringify(b));
    assert.equal(count(db), 0);
    register(db, fp, metaFor("S", { tier: "gated", released: "2024-02-29", license: "other" }));
    assert.deepEqual(get(db, "S")?.recipients, []);
  } finally {
    db.close();
  }
});

test("opening: default path, a newer schema, another application's database, and garbage are refused", () => {
  assert.equal(defaultRegistryPath({ PEDIGREE_REGISTRY: "/x/r.db" }), "/x/r.db");
  assert.equal(defaultRegistryPath({ XDG_DATA_HOME: "/data", HOME: "/home/u" }), "/data/pedigree/registry.db");
  assert.match(defaultRegistryPath({ XDG_DATA_HOME: "relative" }), /\/\.local\/share\/pedigree\/registry\.db$/);

  // folders are created; a second open migrates nothing and keeps the data
  const nested = join(tempDir(), "a", "b", "registry.db");
  const db = openRegistry(nested);
  assert.equal(db.pragma("user_version", { simple: true }), SCHEMA_VERSION);
  assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
  assert.equal(db.pragma("foreign_keys", { simple: true }), 1);
  assert.equal(db.pragma("synchronous", { simple: true }), 2); // FULL
  register(db, fingerprintOf(sharedPath("dev-families", "S")), metaFor("S"));
  db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  db.close();
  assert.throws(() => openRegistry(nested), (e: unknown) => e instanceof BadInputError && e.oneLine().startsWith(nested) && /newer than this pedigree/.test(e.message));

  const other = join(tempDir(), "other.db");
  const o = new Database(other);
  o.exec("CREATE TABLE t (x)");
  o.close();
  assert.throws(() => openRegistry(other), (e: unknown) => e instanceof BadInputError && /not a pedigree registry/.test(e.message));

  const garbage = tempFile("garbage.db", Buffer.alloc(9000, 0x5a));
  assert.throws(() => openRegistry(garbage), (e: unknown) => e instanceof BadInputError && e.oneLine().startsWith(garbage));

  // an open that must not create refuses a missing file (not-found, naming it) and creates nothing
  const missing = join(tempDir(), "missing.db");
  for (const opts of [{ create: false }, { readOnly: true }]) {
    assert.throws(() => openRegistry(missing, opts), (e: unknown) => e instanceof PedigreeError && e.code === "not-found" && e.oneLine().startsWith(missing));
  }
  assert.ok(!existsSync(missing));
  // a URL is never a local path
  assert.throws(() => openRegistry("postgres://h/db"), (e: unknown) => e instanceof PedigreeError && e.code === "unsupported" && /does not work on a postgres registry yet/.test(e.message));
  assert.throws(() => openRegistry(tempDir()), (e: unknown) => e instanceof BadInputError && /is a directory/.test(e.message));
});

test("export then import into a fresh registry gives byte-identical parts and the same records", () => {
  const src = openRegistry(newRegistryPath());
  const dst = openRegistry(newRegistryPath());
  try {
    for (const id of ["A", "A-q4k", "S", "D"]) register(src, fingerprintOf(sharedPath("dev-families", id)), metaFor(id, id === "D" ? { tier: "gated", recipients: ["r1"] } : { released: "2024-01-01" }));
    const file = join(tempDir(), "export.jsonl");
    writeFileSync(file, `${[...exportLines(src)].join("\n")}\n`);
    const r = importRegistry(dst, file);
    assert.equal(r.imported, 4);
    const strip = (e: ReturnType<typeof get>) => e && { ...e, id: 0 };
    for (const m of list(src)) {
      assert.deepEqual(strip(get(dst, m.name)), strip(get(src, m.name)), m.name);
      const a = loadAllParts(src, m.id);
      const b = loadAllParts(dst, resolveModel(dst, m.name));
      assert.deepEqual([...a.keys()], [...b.keys()]);
      for (const [k, v] of a) assert.ok(Buffer.from(v).equals(Buffer.from(b.get(k) as Uint8Array)), `${m.name} ${k}`);
    }
    assert.deepEqual(verifyRegistry(dst), []);
    // the same again: refused whole (duplicates), accepted with replace
    assert.throws(() => importRegistry(dst, file), (e: unknown) => e instanceof BadInputError && e.oneLine().startsWith(`${file}:2:`) && /--replace/.test(e.message));
    assert.equal(count(dst), 4);
    assert.deepEqual(importRegistry(dst, file, { replace: true }), { imported: 4, replaced: 4, names: ["A", "A-q4k", "S", "D"] });
    assert.deepEqual(verifyRegistry(dst), []);
  } finally {
    src.close();
    dst.close();
  }
});

// Transforms that keep the origin's prominent MLP units: a suspect made this way must find its
// origin among the top 3 candidates. The others (continued pre-training, distillation, a copied
// embedding only, partial layer copies, permutation plus rotation) keep little or none of them.
const WEAK = new Set(["A-cpt", "A-distil", "A-emb", "C-partial", "S-perm-rot"]);

test("candidates(): a derived dev model finds its origin among the known models", (t) => {
  // the registry of known models: the dev models trained from scratch, and every shared model
  const db = openRegistry(newRegistryPath());
  try {
    for (const [name, p] of models) if (!DEV_PARENTS[name]?.length) register(db, fingerprintOf(p), metaFor(name));
    const ft = candidates(db, fingerprintOf(sharedPath("dev-families", "A-ft")).index, 3);
    assert.equal(ft[0]?.name, "A", JSON.stringify(ft));
    assert.ok((ft[0]?.hits ?? 0) > 20 * (ft[1]?.hits ?? 1), JSON.stringify(ft));
    const misses: string[] = [];
    for (const id of devModelIds().filter((i) => DEV_PARENTS[i]?.length)) {
      const top = candidates(db, fingerprintOf(sharedPath("dev-families", id)).index, 3);
      const found = top.some((c) => c.name === devRoot(id));
      t.diagnostic(`${id} -> ${top.map((c) => `${c.name}:${c.hits}`).join(" ")}${found ? "" : " (origin not in top 3)"}`);
      if (!found && !WEAK.has(id)) misses.push(id);
    }
    assert.deepEqual(misses, []);
    // a self-query ranks the model itself first with every one of its keys
    const s = fingerprintOf(sharedPath("dev-families", "S"));
    const self = candidates(db, s.index, 1)[0];
    assert.equal(self?.name, "S");
    assert.equal(self?.hits, bandKeys(s.index).length);
    assert.deepEqual(candidates(db, { codes: new Uint32Array(0), kinds: new Uint8Array(0), layers: new Uint16Array(0) }, 5), []);
  } finally {
    db.close();
  }
});

test("readers go on while a writer holds the registry; a second writer waits, then gets one clear error", () => {
  const path = newRegistryPath();
  const writer = openRegistry(path);
  const reader = openRegistry(path);
  try {
    register(writer, fingerprintOf(sharedPath("dev-families", "S")), metaFor("S"));
    writer.exec("BEGIN IMMEDIATE");
    writer.prepare("UPDATE models SET owner = 'changing' WHERE name = 'S'").run();
    // the reader sees the last committed state, without waiting
    assert.equal(get(reader, "S")?.owner, "test");
    assert.deepEqual(list(reader).map((m) => m.name), ["S"]);
    // a second writer waits for the busy timeout (shortened here), then fails as a one-line error
    reader.pragma("busy_timeout = 200");
    assert.throws(() => register(reader, fingerprintOf(sharedPath("dev-families", "D")), metaFor("D")), (e: unknown) => /SQLITE_BUSY/.test((e as { code?: string }).code ?? ""));
    assert.match(String((registryError(path, new Database.SqliteError("database is locked", "SQLITE_BUSY")) as PedigreeError).oneLine()), /registry is busy/);
    writer.exec("COMMIT");
    assert.equal(get(reader, "S")?.owner, "changing");
    assert.equal(get(reader, "D"), undefined);
  } finally {
    writer.close();
    reader.close();
  }
});
