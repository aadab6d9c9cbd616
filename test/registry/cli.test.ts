/**
 * The registry commands as a user meets them: register / list / show / remove / export / import,
 * exit 0 on success and 2 with one line on stderr for every error — a file that is not a model, a
 * duplicate name, a corrupted registry (garbage bytes, a truncated file), an import line from a
 * newer pedigree — each leaving the registry as it was.
 */
import assert from "node:assert/strict";
import { readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { openRegistry } from "../../src/registry/open.js";
import { loadAllParts, resolveModel } from "../../src/registry/store.js";
import { verifyRegistry } from "../../src/registry/verify.js";
import { runCli, type CliResult } from "../../src/test-support/cli.js";
import { REPO, sharedPath } from "../../src/test-support/shared.js";
import { tempDir } from "../../src/test-support/tmp.js";
import { newRegistryPath } from "./support.js";

function ok(r: CliResult): CliResult {
  assert.equal(r.code, 0, `exit ${r.code}; stderr: ${r.stderr}`);
  return r;
}

function oneLineError(r: CliResult, pattern: RegExp): void {
  assert.equal(r.code, 2, `exit code (stdout: ${r.stdout.slice(0, 200)}; stderr: ${r.stderr})`);
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, `one line expected, got: ${r.stderr}`);
  assert.match(lines[0] as string, pattern);
  assert.doesNotMatch(r.stderr, /\bat .*\.(ts|js):\d+/);
}

const reg = (path: string) => ["--registry", path];
const dev = (id: string) => sharedPath("dev-families", id);

function registerArgs(path: string, name: string, registry: string, extra: string[] = []): string[] {
  return ["register", path, "--name", name, "--owner", "acme", "--tier", "open", "--license", "apache-2.0", ...reg(registry), ...extra];
}

function names(registry: string): string[] {
  return (JSON.parse(ok(runCli(["list", "--json", ...reg(registry)])).stdout) as { models: Array<{ name: string }> }).models.map((m) => m.name);
}

test("register, list, show, remove", () => {
  const r = newRegistryPath();
  const a = JSON.parse(ok(runCli([...registerArgs(dev("A"), "A", r, ["--released", "2024-03-01"]), "--json"])).stdout) as Record<string, unknown>;
  assert.equal(a.name, "A");
  assert.equal(a.registry, r);
  assert.equal(a.partCount, 7);
  ok(runCli(["register", dev("A-ft"), "--name", "A-ft", "--owner", "bob", "--tier", "gated", "--license", "apache-2.0", "--declared-base", "A", "--recipient", "lab-1", "--recipient", "lab-2", ...reg(r)]));
  ok(runCli(registerArgs(sharedPath("models", "stories260K", "stories260K.gguf"), "stories260K", r)));

  const listed = ok(runCli(["list", ...reg(r)])).stdout;
  assert.match(listed, /^A\s+open\s+acme\s+apache-2\.0/m);
  assert.match(listed, /3 models in /);
  for (const line of listed.trim().split("\n").slice(0, -1)) assert.ok(line.length <= 80, `list wider than 80 columns: ${line}`);
  assert.deepEqual(names(r), ["A", "A-ft", "stories260K"]);

  const show = JSON.parse(ok(runCli(["show", "A-ft", "--json", ...reg(r)])).stdout) as Record<string, unknown> & { summary: { format: string; declared: { baseModels: string[] } } };
  assert.equal(show.tier, "gated");
  assert.deepEqual(show.recipients, ["lab-1", "lab-2"]);
  assert.equal(show.declaredBase, "A");
  assert.equal(show.summary.format, "safetensors");
  assert.ok(Array.isArray(show.summary.declared.baseModels));
  const text = ok(runCli(["show", "A-ft", ...reg(r)])).stdout;
  assert.match(text, /tier\s+gated \(2 recipients: lab-1, lab-2\)/);
  assert.match(text, /declared by the files/);

  oneLineError(runCli(["show", "nope", ...reg(r)]), /no model named "nope"/);
  ok(runCli(["remove", "A", ...reg(r)]));
  assert.deepEqual(names(r), ["A-ft", "stories260K"]);
  oneLineError(runCli(["remove", "A", ...reg(r)]), /no model named "A"/);
  // reading commands on a registry that does not exist say so (exit 2) and create nothing
  const none = join(tempDir(), "none.db");
  oneLineError(runCli(["list", ...reg(none)]), /none\.db: no registry here/);
  assert.throws(() => statSync(none));
  // a URL is never taken for a local path: a Postgres registry that cannot be reached is one line
  // naming it, its password hidden; another scheme is refused
  oneLineError(runCli(["list", "--registry", "postgres://user:secret@127.0.0.1:1/pedigree"]), /^pedigree: postgres:\/\/user:\*\*\*@127\.0\.0\.1:1\/pedigree: cannot reach the registry/);
  assert.doesNotMatch(runCli(["list", "--registry", "postgres://user:secret@127.0.0.1:1/pedigree"]).stderr, /secret/);
  oneLineError(runCli(["list", "--registry", "mysql://user:secret@127.0.0.1:1/pedigree"]), /mysql registries are not supported/);
  assert.throws(() => statSync(join(REPO, "postgres:")));
  assert.throws(() => statSync(join(REPO, "mysql:")));
});

test("a file that is not a model, a duplicate name, bad options: exit 2, registry unchanged", () => {
  const r = newRegistryPath();
  ok(runCli(registerArgs(dev("S"), "S", r)));
  const before = readFileSync(r);
  oneLineError(runCli(registerArgs(sharedPath("models", "stories260K", "tok512.bin"), "tok", r)), /tok512\.bin: not a recognised weight file/);
  oneLineError(runCli(registerArgs(join(tempDir(), "missing.safetensors"), "missing", r)), /missing\.safetensors/);
  oneLineError(runCli(registerArgs(dev("A"), "S", r)), /a model named "S" is already registered/);
  oneLineError(runCli(registerArgs(dev("A"), "X", r, ["--released", "2024-02-30"])), /release date/);
  oneLineError(runCli(registerArgs(dev("A"), "X", r, ["--recipient", "someone"])), /only kept for gated models/);
  assert.equal(runCli(["register", dev("A"), "--name", "X", "--owner", "o", "--tier", "secret", "--license", "mit", ...reg(r)]).code, 2);
  assert.equal(runCli(["register", dev("A"), "--name", "X", "--owner", "o", "--license", "mit", ...reg(r)]).code, 2);
  assert.ok(readFileSync(r).equals(before), "registry file unchanged");
  assert.deepEqual(names(r), ["S"]);
});

test("a corrupted registry (garbage bytes, a truncated file) is one line and exit 2 for every command", () => {
  const garbage = join(tempDir(), "garbage.db");
  const bytes = Buffer.alloc(20_000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) & 0xff;
  writeFileSync(garbage, bytes);
  for (const args of [["list"], ["show", "A"], ["remove", "A"], ["export"], registerArgs(dev("S"), "S", garbage).slice(0, -2)]) {
    oneLineError(runCli([...args, ...reg(garbage)]), new RegExp(`${garbage.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: not a readable pedigree registry`));
  }
  assert.ok(readFileSync(garbage).equals(bytes), "garbage left as it was");

  const r = newRegistryPath();
  for (const id of ["A", "B", "S"]) ok(runCli(registerArgs(dev(id), id, r)));
  truncateSync(r, Math.floor(statSync(r).size / 2));
  for (const args of [["list"], ["show", "A"], ["export"], registerArgs(dev("D"), "D", r).slice(0, -2)]) {
    oneLineError(runCli([...args, ...reg(r)]), /registry\.db: .*(corrupt|truncated|not a readable)/);
  }
});

test("export then import into a fresh registry: byte-identical parts; newer import lines refused", () => {
  const src = newRegistryPath();
  for (const id of ["A", "A-q8", "D"]) ok(runCli(registerArgs(dev(id), id, src)));
  const file = join(tempDir(), "registry.jsonl");
  const e = ok(runCli(["export", "--out", file, ...reg(src)]));
  assert.match(e.stderr, /exported 3 models/);
  assert.equal(ok(runCli(["export", ...reg(src)])).stdout, readFileSync(file, "utf8"), "stdout and --out give the same export");
  const lines = readFileSync(file, "utf8").trimEnd().split("\n");
  assert.deepEqual(JSON.parse(lines[0] as string), { schema: "pedigree.registry-export/1", pedigree: "registry-export", version: 1 });
  assert.equal(lines.length, 4);

  const dst = newRegistryPath();
  assert.match(ok(runCli(["import", file, ...reg(dst)])).stdout, /imported 3 models/);
  const a = openRegistry(src);
  const b = openRegistry(dst);
  for (const id of ["A", "A-q8", "D"]) {
    const pa = loadAllParts(a, resolveModel(a, id));
    const pb = loadAllParts(b, resolveModel(b, id));
    assert.deepEqual([...pb.keys()], [...pa.keys()]);
    for (const [k, v] of pa) assert.ok(Buffer.from(v).equals(Buffer.from(pb.get(k) as Uint8Array)), `${id} ${k}`);
  }
  assert.deepEqual(verifyRegistry(b), []);
  a.close();
  b.close();

  oneLineError(runCli(["import", file, ...reg(dst)]), /registry\.jsonl:2: a model named "A" is already registered .*--replace/);
  assert.match(ok(runCli(["import", file, "--replace", ...reg(dst)])).stdout, /imported 3 models \(3 replaced\)/);

  const fresh = newRegistryPath();
  const newer = join(tempDir(), "newer.jsonl");
  writeFileSync(newer, [JSON.stringify({ pedigree: "registry-export", version: 2 }), ...lines.slice(1)].join("\n"));
  oneLineError(runCli(["import", newer, ...reg(fresh)]), /newer\.jsonl:1: export version 2 is newer than this pedigree reads/);
  const m = JSON.parse(lines[2] as string) as { fingerprintVersion: number };
  m.fingerprintVersion = 9;
  writeFileSync(newer, [lines[0], lines[1], JSON.stringify(m)].join("\n"));
  oneLineError(runCli(["import", newer, ...reg(fresh)]), /newer\.jsonl:3: model "A-q8": fingerprint version 9 is newer/);
  assert.deepEqual(names(fresh), [], "nothing imported");
});
