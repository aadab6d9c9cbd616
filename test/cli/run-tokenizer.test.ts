/**
 * `run --tokenizer <file>` (issue 11): a llama2.c checkpoint without an embedded vocabulary
 * (llama2xs-saltyduckegg's model.bin) runs with the tokenizer it was trained with (stories260K's
 * tok512.bin, see shared/models/SOURCES.md); without one, the error says how to give it; a
 * tokenizer of another size is refused in one line naming the tokenizer file.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { runCli } from "../../src/test-support/cli.js";
import { sharedPath } from "../../src/test-support/shared.js";

const MODEL = sharedPath("models", "llama2xs-saltyduckegg", "model.bin");
const TOK = sharedPath("models", "stories260K", "tok512.bin");

test("run --tokenizer: llama2xs with tok512.bin writes its story (greedy, as SOURCES.md records)", () => {
  const r = runCli(["run", MODEL, "--tokenizer", TOK, "--prompt", "Once upon a time", "--max-tokens", "30"]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.startsWith("Once upon a time, there was a little girl named Lily. She loved to play outside and came to play with her"), r.stdout);
  const j = runCli(["run", MODEL, "--tokenizer", TOK, "--prompt", "Once upon a time", "--max-tokens", "10", "--json"]);
  assert.equal(j.code, 0, j.stderr);
  const doc = JSON.parse(j.stdout) as { schema: string; text: string; tokens: number[] };
  assert.equal(doc.schema, "pedigree.run/1");
  assert.equal(doc.tokens.length, 10);
  assert.match(doc.text, /^, there was a little girl/);
});

test("run without a tokenizer says how to give one; a tokenizer of another size is refused naming it", () => {
  const none = runCli(["run", MODEL, "--prompt", "Once upon a time"]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /^pedigree: .*model\.bin: the model has no tokenizer to encode a text prompt; give one \(--tokenizer tok512\.bin\) or token ids \(--tokens 1,2,3\)\n$/);
  const other = sharedPath("dev-families", "A", "tokenizer.json");
  const wrong = runCli(["run", MODEL, "--tokenizer", other, "--prompt", "x"]);
  assert.equal(wrong.code, 2);
  assert.equal(wrong.stderr, `pedigree: ${other}: the tokenizer has 256 tokens, the model's vocabulary 512: not this model's tokenizer\n`);
  const missing = runCli(["run", MODEL, "--tokenizer", "/nonexistent/tok.bin", "--prompt", "x"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^pedigree: \/nonexistent\/tok\.bin: no such file/);
});
