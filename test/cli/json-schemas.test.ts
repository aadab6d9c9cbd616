/**
 * Every command's --json output, run on real models, against its JSON Schema (docs/schemas/,
 * draft 2020-12, validated with ajv in strict mode), with the one naming scheme of docs/json.md:
 * a `schema` tag with a version on every document, `license` (never "licence") in keys, `config`
 * for hyper-parameters (never "params"), and errors as {"schema", "error": {code, message, file}}.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { runCli, type CliResult } from "../../src/test-support/cli.js";
import { pedigreeValidator } from "../../src/test-support/schemas.js";
import { sharedPath } from "../../src/test-support/shared.js";
import { tempDir } from "../../src/test-support/tmp.js";

const dev = (id: string) => sharedPath("dev-families", id);
const STORIES = sharedPath("models", "stories260K", "stories260K.bin");

/** Keys anywhere in a document (not inside raw file metadata, which is the file's own words). */
function keys(v: unknown, path = "", out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x, i) => keys(x, `${path}[${i}]`, out));
  else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      out.push(`${path}.${k}`);
      if (k !== "container" && k !== "spec" && k !== "record") keys(x, `${path}.${k}`, out);
    }
  }
  return out;
}

/** Parses stdout, checks the schema tag, validates against docs/schemas/<name>, checks the names. */
function valid(r: CliResult, name: string, exit = 0): Record<string, unknown> {
  assert.equal(r.code, exit, `${name}: exit ${r.code} (stderr: ${r.stderr.slice(0, 400)})`);
  const doc = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.match(String(doc.schema), new RegExp(`^pedigree\\.${name}/\\d+$`), `${name}: schema tag`);
  const v = pedigreeValidator(name);
  assert.ok(v(doc), `${name}: ${JSON.stringify(v.errors?.slice(0, 5))}`);
  for (const k of keys(doc)) {
    const last = k.slice(k.lastIndexOf(".") + 1);
    assert.doesNotMatch(last, /licence/i, `${name}: ${k} (keys say "license")`);
    assert.notEqual(last, "params", `${name}: ${k} (hyper-parameters are "config")`);
  }
  return doc;
}

let dir = "";
let reg = "";
let key = "";

before(() => {
  dir = tempDir("pedigree-json-");
  reg = join(dir, "reg.db");
  key = join(dir, "k.key");
  writeFileSync(key, "json-schema-test-key-0123456789");
});

test("registry documents: register, list, show, export, import, remove", () => {
  const r = valid(runCli(["register", dev("A"), "--name", "A", "--owner", "lab", "--tier", "closed", "--license", "mit", "--registry", reg, "--json"]), "register");
  assert.equal((r.summary as { config: { nLayers: number } }).config.nLayers, 6);
  valid(runCli(["register", STORIES, "--name", "st", "--owner", "lab", "--tier", "gated", "--license", "mit", "--registry", reg, "--json"]), "register");
  const l = valid(runCli(["list", "--registry", reg, "--json"]), "list");
  assert.deepEqual((l.models as Array<{ name: string; license: string }>).map((m) => [m.name, m.license]), [["A", "mit"], ["st", "mit"]]);
  valid(runCli(["show", "A", "--registry", reg, "--json"]), "show");
  const file = join(dir, "export.jsonl");
  const e = valid(runCli(["export", "--out", file, "--registry", reg, "--json"]), "export");
  assert.equal(e.models, 2);
  const other = join(dir, "other.db");
  const i = valid(runCli(["import", file, "--registry", other, "--json"]), "import");
  assert.deepEqual(i.names, ["A", "st"]);
  const x = valid(runCli(["remove", "st", "--registry", other, "--json"]), "remove");
  assert.equal((x.removed as { name: string }).name, "st");
  // the export's first line is a document too
  const header = runCli(["export", "--registry", reg]).stdout.split("\n")[0] as string;
  const hv = pedigreeValidator("registry-export");
  assert.ok(hv(JSON.parse(header)), JSON.stringify(hv.errors));
});

test("inspect, run (generation and --logits), forge, tree, scan and -o report-input", () => {
  const i = valid(runCli(["inspect", sharedPath("models", "stories260K", "stories260K.gguf"), "--tensors", "--json"]), "inspect");
  assert.equal((i.config as { dim: number }).dim, 64);
  const g = valid(runCli(["run", STORIES, "--prompt", "Once upon a time", "--max-tokens", "8", "--json"]), "run");
  assert.equal(g.kind, "generation");
  assert.equal((g.tokens as number[]).length, 8);
  assert.equal(valid(runCli(["run", STORIES, "--prompt", "Once", "--logits", "--json"]), "run").kind, "next-tokens");
  const f = valid(runCli(["forge", STORIES, "--steps", "noise:0.01", "--out", join(dir, "noised.gguf"), "--json"]), "forge");
  assert.equal((f.output as { config: { nLayers: number } }).config.nLayers, 5);
  valid(runCli(["tree", "--registry", reg, "--json"]), "tree");
  const s = valid(runCli(["scan", dev("A-q4k"), "--registry", reg, "--json"]), "scan", 1);
  assert.deepEqual(s.derivedFrom, ["A"]);
  valid(runCli(["scan", dev("A-q4k"), "--registry", reg, "-o", "report-input"]), "report-input", 1);
});

test("compare, with and without its behaviour object", () => {
  const c = valid(runCli(["compare", dev("A"), dev("A-drop"), "--json"]), "compare");
  assert.equal(c.verdict, "derived");
  assert.equal(c.behaviour, undefined);
  const probes = join(dir, "probes.txt");
  writeFileSync(probes, "Once upon a time there was a cat.\nThe quick brown fox jumps over the lazy dog.\nHello world, this is a test.\n");
  const b = valid(runCli(["compare", dev("A"), dev("A-q8"), "--behaviour", "--controls", `${dev("B")},${dev("C")}`, "--probes", probes, "--json"]), "compare");
  assert.match(String((b.behaviour as { verdict: string }).verdict), /^(behaviour-derived|behaviour-independent|inconclusive)$/);
});

test("mark, recipients, trace", () => {
  const copy = join(dir, "acme.bin");
  const m = valid(runCli(["mark", STORIES, "--model", "st", "--recipient", "acme", "--key-file", key, "--out", copy, "--registry", reg, "--json"]), "mark");
  assert.equal((m.issued as { recipient: string }).recipient, "acme");
  valid(runCli(["recipients", "st", "--registry", reg, "--json"]), "recipients");
  const t = valid(runCli(["trace", copy, "--model", "st", "--master", STORIES, "--key-file", key, "--registry", reg, "--json"]), "trace", 1);
  const named = t.named as Array<{ recipient: string; log10PValue: number }>;
  assert.deepEqual(named.map((n) => n.recipient), ["acme"]);
  assert.ok((named[0]?.log10PValue ?? 0) < -9);
});

test("demo --json, --version --json, and errors under --json", () => {
  const d = valid(runCli(["demo", "--dir", join(dir, "demo"), "--json"]), "demo");
  assert.equal((d.comparisons as Array<{ verdict: string }>)[0]?.verdict, "derived");
  valid(runCli(["--version", "--json"]), "version");
  const ev = pedigreeValidator("error");
  for (const [args, code] of [
    [["inspect", join(dir, "missing.gguf"), "--json"], "not-found"],
    [["inspect", "--json"], "usage"],
    [["export", "--bogus", "--json"], "usage"],
    [["scan", dev("A"), "--registry", join(dir, "none.db"), "-o", "json"], "not-found"],
  ] as Array<[string[], string]>) {
    const r = runCli(args);
    assert.equal(r.code, 2, args.join(" "));
    assert.equal(r.stdout, "");
    const e = JSON.parse(r.stderr) as { schema: string; error: { code: string } };
    assert.ok(ev(e), `${args.join(" ")}: ${JSON.stringify(ev.errors)}`);
    assert.equal(e.error.code, code, args.join(" "));
  }
});
