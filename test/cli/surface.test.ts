/**
 * The command line's surface as a new user meets it (issue 11): `pedigree` alone, usage errors in
 * one line that say where the help is, JSON errors under --json, `--version --json`.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runCli } from "../../src/test-support/cli.js";
import { REPO, sharedPath } from "../../src/test-support/shared.js";
import { tempDir } from "../../src/test-support/tmp.js";

test("'pedigree' alone: a short overview on stdout naming every command, exit 0, 80 columns", () => {
  const r = runCli([]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "");
  const lines = r.stdout.trimEnd().split("\n");
  assert.ok(lines.length <= 24, `${lines.length} lines`);
  for (const l of lines) assert.ok(l.length <= 80, l);
  for (const cmd of ["inspect", "compare", "forge", "run", "register", "list", "show", "remove", "export", "import", "scan", "tree", "demo"]) {
    assert.match(r.stdout, new RegExp(`^  ${cmd} +\\S`, "m"), cmd);
  }
  assert.match(r.stdout, /see 'pedigree <command> --help'/);
});

test("usage errors: one line naming the problem and the help to read, exit 2", () => {
  const cases: Array<[string[], RegExp]> = [
    [["frobnicate"], /^pedigree: unknown command 'frobnicate'; see 'pedigree --help'$/],
    [["inspect"], /^pedigree: missing required argument 'path'; see 'pedigree inspect --help'$/],
    [["inspect", "x", "--bogus"], /^pedigree: unknown option '--bogus'; see 'pedigree inspect --help'$/],
    [["compare", "a"], /^pedigree: missing required argument 'B'; see 'pedigree compare --help'$/],
    [["register", "x", "--tier", "public"], /^pedigree: option '--tier <tier>' argument 'public' is invalid.*; see 'pedigree register --help'$/],
  ];
  for (const [args, want] of cases) {
    const r = runCli(args);
    assert.equal(r.code, 2, args.join(" "));
    assert.equal(r.stdout, "");
    const lines = r.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 1, `${args.join(" ")}: ${r.stderr}`);
    assert.match(lines[0] as string, want);
  }
});

test("--json: errors are JSON on stderr with code, message and file; --version --json", () => {
  const missing = runCli(["inspect", "/nonexistent/model.gguf", "--json"]);
  assert.equal(missing.code, 2);
  assert.deepEqual(JSON.parse(missing.stderr), { schema: "pedigree.error/1", error: { code: "not-found", message: "no such file or folder", file: "/nonexistent/model.gguf" } });
  const usage = runCli(["inspect", "--json"]);
  assert.equal(usage.code, 2);
  const u = JSON.parse(usage.stderr) as { error: { code: string; message: string } };
  assert.equal(u.error.code, "usage");
  assert.match(u.error.message, /missing required argument 'path'; see 'pedigree inspect --help'/);
  const v = runCli(["--version", "--json"]);
  assert.equal(v.code, 0);
  assert.deepEqual(Object.keys(JSON.parse(v.stdout) as object), ["schema", "version"]);
  assert.match(runCli(["--version"]).stdout, /^\d+\.\d+\.\d+\n$/);
});

test("import - reads the export from standard input", () => {
  const dir = tempDir();
  const src = join(dir, "src.db");
  const dst = join(dir, "dst.db");
  const reg = runCli(["register", sharedPath("models", "stories260K", "stories260K.gguf"), "--name", "stories", "--owner", "me", "--tier", "open", "--license", "mit", "--registry", src]);
  assert.equal(reg.code, 0, reg.stderr);
  const exported = runCli(["export", "--registry", src]);
  assert.equal(exported.code, 0, exported.stderr);
  const r = spawnSync(process.execPath, ["--import", "tsx", join(REPO, "src", "cli", "run.ts"), "import", "-", "--registry", dst, "--json"], { cwd: REPO, input: exported.stdout, encoding: "utf8", env: { ...process.env, PEDIGREE_NO_PROGRESS: "1" } });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual((JSON.parse(r.stdout) as { names: string[] }).names, ["stories"]);
  const listed = JSON.parse(runCli(["list", "--registry", dst, "--json"]).stdout) as { models: Array<{ name: string }> };
  assert.deepEqual(listed.models.map((m) => m.name), ["stories"]);
});

test("-o names a format and --out a path; the old -o <path> of forge, mark and export still works, with one deprecation line", () => {
  const dir = tempDir();
  const stories = sharedPath("models", "stories260K", "stories260K.bin");
  // -o as a format
  const asFormat = runCli(["forge", stories, "--steps", "noise:0.01", "--out", join(dir, "copy.gguf"), "-o", "gguf", "--json"]);
  assert.equal(asFormat.code, 0, asFormat.stderr);
  assert.equal(asFormat.stderr, "");
  assert.equal((JSON.parse(asFormat.stdout) as { output: { format: string } }).output.format, "gguf");
  // the old spelling: a path given to -o
  const old = runCli(["forge", stories, "--steps", "noise:0.01", "-o", join(dir, "old.gguf")]);
  assert.equal(old.code, 0, old.stderr);
  assert.deepEqual(old.stderr.trimEnd().split("\n"), [`pedigree forge: '-o <path>' is deprecated, use '--out ${join(dir, "old.gguf")}' (-o now names the output format)`]);
  assert.ok(existsSync(join(dir, "old.gguf")));
  const none = runCli(["forge", stories, "--steps", "noise:0.01"]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /^pedigree: --out <path> is required/);

  const reg = join(dir, "reg.db");
  assert.equal(runCli(["register", stories, "--name", "st", "--owner", "lab", "--tier", "gated", "--license", "mit", "--registry", reg]).code, 0);
  const key = join(dir, "k.key");
  writeFileSync(key, "deprecation-test-key-0123456789");
  const mark = runCli(["mark", stories, "--model", "st", "--recipient", "a", "--key-file", key, "-o", join(dir, "a.bin"), "--registry", reg]);
  assert.equal(mark.code, 0, mark.stderr);
  assert.deepEqual(mark.stderr.trimEnd().split("\n"), [`pedigree mark: '-o <path>' is deprecated, use '--out ${join(dir, "a.bin")}' (-o names an output format elsewhere)`]);
  assert.ok(existsSync(join(dir, "a.bin")));

  const file = join(dir, "r.jsonl");
  const exp = runCli(["export", "-o", file, "--registry", reg]);
  assert.equal(exp.code, 0, exp.stderr);
  assert.deepEqual(exp.stderr.trimEnd().split("\n"), [`pedigree export: '-o <path>' is deprecated, use '--out ${file}' (-o now names the output format)`, `exported 1 model from ${reg} to ${file}`]);
  const fresh = runCli(["export", "--out", join(dir, "new.jsonl"), "--registry", reg]);
  assert.equal(fresh.stderr, `exported 1 model from ${reg} to ${join(dir, "new.jsonl")}\n`);
  assert.equal(readFileSync(file, "utf8"), readFileSync(join(dir, "new.jsonl"), "utf8"));
  assert.equal(runCli(["export", "-o", "jsonl", "--registry", reg]).stdout, readFileSync(file, "utf8"));

  const tree = runCli(["tree", "-o", "mermaid", "--registry", reg]);
  assert.equal(tree.code, 0, tree.stderr);
  assert.match(tree.stdout, /^(graph|flowchart)/m);
});
