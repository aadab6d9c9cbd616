// trace on real files: marked copies of stories260K and dev-families A, attacked with forge
// (quantization, fine-tune drift, permutation + rotation, collusion by averaging), name their
// recipient(s) and nobody else; the unmarked master and an unrelated model name no one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { forge } from "../forge/forge.js";
import { markModel } from "../mark/mark.js";
import { sharedPath } from "../test-support/shared.js";
import { tempDir } from "../test-support/tmp.js";
import { ACCUSE_LEVEL, trace } from "./trace.js";

const STORIES = sharedPath("models", "stories260K", "stories260K.bin");
const A = sharedPath("dev-families", "A");
const KEY = new Uint8Array(Buffer.from("trace-test-key: 0123456789abcdef"));
const RECIPIENTS = Array.from({ length: 50 }, (_, i) => `r${i}`);

function named(master: string, suspect: string, model = "stories"): string[] {
  const r = trace(master, suspect, { model, key: KEY, recipients: RECIPIENTS });
  for (const a of r.named) assert.ok(a.pValue <= ACCUSE_LEVEL);
  return r.named.map((a) => a.recipient).sort();
}

test("stories260K: each attacked copy names its recipient and nobody else", () => {
  const dir = tempDir("pedigree-trace-");
  const copy = (r: string) => markModel({ master: STORIES, model: "stories", recipient: r, key: KEY, out: join(dir, r, "m.bin") }).out;
  const r3 = copy("r3");
  const r7 = copy("r7");
  assert.deepEqual(named(STORIES, r3), ["r3"], "the copy as issued");
  assert.deepEqual(named(STORIES, r7), ["r7"], "another recipient's copy");
  const attacks: Array<[string, string]> = [
    ["quantize:Q4_K:f32-fallback", "q4k.gguf"],
    ["finetune-drift:0.1", "ft/m.bin"],
    ["permute,rotate,scale", "scrambled/m.bin"],
    [`average:${r7}`, "avg/m.bin"],
  ];
  for (const [steps, out] of attacks) {
    const suspect = join(dir, out);
    forge({ input: r3, steps, out: suspect, seed: 9 });
    assert.deepEqual(named(STORIES, suspect), steps.startsWith("average") ? ["r3", "r7"] : ["r3"], steps);
  }
  const avg = trace(STORIES, join(dir, "avg/m.bin"), { model: "stories", key: KEY, recipients: RECIPIENTS });
  for (const a of avg.named) assert.ok(Math.abs(a.strength - 0.0025) < 0.0005, `averaging two copies halves the strength (${a.strength})`);
});

test("the unmarked master, and a model unrelated to it, name no one", () => {
  const master = trace(STORIES, STORIES, { model: "stories", key: KEY, recipients: RECIPIENTS });
  assert.deepEqual(master.named, []);
  assert.equal(master.tested, 50);
  assert.ok(master.entries.aligned > 100_000, "the master aligns with itself everywhere");
  const other = trace(A, sharedPath("dev-families", "B"), { model: "A", key: KEY, recipients: RECIPIENTS });
  assert.deepEqual(other.named, []);
});

test("dev-families A: a Q8_0 GGUF of a marked copy names its recipient", () => {
  const dir = tempDir("pedigree-trace-");
  const c = markModel({ master: A, model: "A", recipient: "r11", key: KEY, out: join(dir, "r11") });
  const q = join(dir, "q8.gguf");
  forge({ input: c.out, steps: "quantize:Q8_0", out: q });
  assert.deepEqual(named(A, q, "A"), ["r11"]);
  // the same copy tested under the wrong model name (another derivation of the patterns): no one
  assert.deepEqual(named(A, q, "not-A"), []);
});
