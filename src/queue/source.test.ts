/**
 * Sources and what an entry is registered with: a folder's entries (sub-folders and weight files,
 * by name, nothing hidden or non-weight), a list file's lines (path or name<TAB>path, relative to
 * the file, comments skipped), a hub locator that names no model refused, and claims put
 * beside the fingerprint (or in the notes when the registry cannot store them as such).
 */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { PedigreeError } from "../errors.js";
import { tempDir } from "../test-support/tmp.js";
import { entryMeta } from "./entry-meta.js";
import { fingerprintLocator } from "./fingerprint-locator.js";
import { resolveSource, sourceEntries } from "./source.js";

async function all(source: string) {
  const out = [];
  for await (const e of sourceEntries(resolveSource(source))) out.push(e);
  return out;
}

test("a folder: each sub-folder or weight file one entry, named after it", async () => {
  const dir = tempDir("pedigree-src-");
  mkdirSync(join(dir, "b-model"));
  writeFileSync(join(dir, "a.gguf"), "x");
  writeFileSync(join(dir, "README.md"), "x");
  writeFileSync(join(dir, ".hidden.gguf"), "x");
  assert.deepEqual((await all(dir)).map((e) => [e.name, e.locator]), [["a.gguf", join(dir, "a.gguf")], ["b-model", join(dir, "b-model")]]);
});

test("a list file: path or name<TAB>path, relative to the file; hub lines kept as locators", async () => {
  const dir = tempDir("pedigree-src-");
  const list = join(dir, "list.txt");
  writeFileSync(list, "# models\nmodels/one/\nnamed\t/abs/two.gguf\n\nhub\thub+http://127.0.0.1:9/org/m\n");
  assert.deepEqual(await all(list), [
    { name: "one", locator: join(dir, "models", "one") },
    { name: "named", locator: "/abs/two.gguf" },
    { name: "hub", locator: "hub+http://127.0.0.1:9/org/m" },
  ]);
  writeFileSync(list, "\tno-name\n");
  await assert.rejects(all(list), (e: unknown) => e instanceof PedigreeError && e.code === "bad-input");
  assert.throws(() => resolveSource(join(dir, "missing")), (e: unknown) => e instanceof PedigreeError && e.code === "not-found");
});

test("a hub locator that names no model is bad input, before any request", async () => {
  await assert.rejects(fingerprintLocator("hub+http://127.0.0.1:9/"), (e: unknown) => e instanceof PedigreeError && e.code === "bad-input");
});
test("claims beside the fingerprint: declared base and licence, else the sweep's; unstorable ones in the notes", () => {
  const d = { owner: "lab", tier: "open" as const, license: "mit" };
  assert.deepEqual(entryMeta("m", d, undefined), { name: "m", owner: "lab", tier: "open", license: "mit" });
  assert.deepEqual(entryMeta("m", d, { baseModels: ["org/base", "org/other"], license: "apache-2.0" }),
    { name: "m", owner: "lab", tier: "open", license: "apache-2.0", declaredBase: "org/base, org/other" });
  const odd = entryMeta("m", d, { license: "Custom licence, see file" });
  assert.equal(odd.license, "mit");
  assert.match(odd.notes ?? "", /claimed licence: Custom licence/);
});
