// Marks on real files: the exact change a mark makes, what it leaves alone, that two recipients'
// patterns are unrelated, that stories260K behaves the same, and one-line errors for bad keys.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { BadInputError } from "../errors.js";
import { loadModel } from "../load-model.js";
import { sharedPath } from "../test-support/shared.js";
import { tempDir } from "../test-support/tmp.js";
import { behaviourOf } from "./behaviour.js";
import { keyDigest, readKeyFile, recipientSeed, tensorSeed } from "./keys.js";
import { DEFAULT_STRENGTH, markModel } from "./mark.js";
import { fillSigns } from "./pattern.js";

const STORIES = sharedPath("models", "stories260K", "stories260K.bin");
const KEY = new Uint8Array(Buffer.from("mark-test-key: 0123456789abcdef"));

test("a mark adds strength x row RMS x the recipient's signs to every matrix, and leaves vectors alone", () => {
  const dir = tempDir("pedigree-mark-");
  const r = markModel({ master: STORIES, model: "stories", recipient: "alice", key: KEY, out: join(dir, "alice.bin"), strength: 0.01 });
  assert.equal(r.format, "llama2c");
  assert.match(r.digest, /^[0-9a-f]{64}$/);
  const a = loadModel(STORIES);
  const b = loadModel(r.out);
  const other = markModel({ master: STORIES, model: "stories", recipient: "bob", key: KEY, out: join(dir, "bob.bin"), strength: 0.01 });
  const c = loadModel(other.out);
  try {
    const seed = recipientSeed(KEY, "stories", "alice");
    let matrices = 0;
    let agree = 0;
    let total = 0;
    for (const t of a.tensors.values()) {
      const x = t.read();
      const y = (b.tensors.get(t.key) ?? assert.fail(t.key)).read();
      if (t.shape.length !== 2) {
        assert.deepEqual(y, x, `${t.key} is a vector: unchanged`);
        continue;
      }
      matrices++;
      const [s0, s1] = tensorSeed(seed, t.key);
      const signs = new Float32Array(x.length);
      fillSigns(s0, s1, 0, x.length, signs);
      const z = (c.tensors.get(t.key) ?? assert.fail(t.key)).read();
      for (let i = 0; i < t.rows; i++) {
        let ss = 0;
        for (let j = 0; j < t.cols; j++) ss += (x[i * t.cols + j] as number) ** 2;
        const amp = 0.01 * Math.sqrt(ss / t.cols);
        for (let j = 0; j < t.cols; j++) {
          const k = i * t.cols + j;
          const d = (y[k] as number) - (x[k] as number);
          assert.ok(Math.abs(d - amp * (signs[k] as number)) <= 1e-6 * Math.abs(x[k] as number) + 1e-9, `${t.key}[${i}, ${j}]`);
          const e = (z[k] as number) - (x[k] as number);
          if (amp > 0) {
            total++;
            if (Math.sign(d) === Math.sign(e)) agree++;
          }
        }
      }
    }
    assert.ok(matrices >= 20, `${matrices} matrices marked`);
    // two recipients' signs agree half the time (200k signs: 0.5 ± 0.006 at 5 sigma)
    assert.ok(Math.abs(agree / total - 0.5) < 0.006, `agreement ${agree / total}`);
  } finally {
    a.close();
    b.close();
    c.close();
  }
});

test("stories260K marked at the default strength: greedy text unchanged for 40 tokens, held-out loss within 0.5 %", () => {
  const dir = tempDir("pedigree-mark-");
  const text = "Tom had a small dog named Max. Every morning, Max waited by the door with his red leash in his mouth. One day it was raining hard, and Tom did not want to go out. Max looked at him with big sad eyes. Tom laughed and put on his yellow coat.";
  const before = behaviourOf(STORIES, text, "Once upon a time");
  for (const who of ["alice", "bob"]) {
    const r = markModel({ master: STORIES, model: "stories", recipient: who, key: KEY, out: join(dir, `${who}.bin`) });
    assert.equal(r.strength, DEFAULT_STRENGTH);
    const after = behaviourOf(r.out, text, "Once upon a time");
    assert.equal(before.greedy.length, 40);
    assert.deepEqual(after.greedy, before.greedy, `${who}: greedy continuation`);
    assert.ok(Math.abs(after.loss / before.loss - 1) < 0.005, `${who}: loss ${before.loss} -> ${after.loss}`);
  }
});

test("key files: too short or too long is one error naming the file; the registry digest is sha256", () => {
  const dir = tempDir("pedigree-mark-");
  const short = join(dir, "short.key");
  writeFileSync(short, "tiny");
  assert.throws(() => readKeyFile(short), (e: unknown) => e instanceof BadInputError && e.oneLine().startsWith(`${short}: `) && /at least 16 bytes/.test(e.message));
  const long = join(dir, "long.key");
  writeFileSync(long, new Uint8Array(5000));
  assert.throws(() => readKeyFile(long), /at most 4096 bytes/);
  const ok = join(dir, "ok.key");
  writeFileSync(ok, KEY);
  assert.deepEqual(readKeyFile(ok), KEY);
  // sha256sum of the key's bytes
  assert.equal(keyDigest(KEY), "5828788b45fced29b4488ec83b6c161d2a53ea9902d268333e33f4139408a04c");
  assert.notDeepEqual(recipientSeed(KEY, "m", "a"), recipientSeed(KEY, "m", "b"));
  assert.notDeepEqual(recipientSeed(KEY, "m", "a"), recipientSeed(KEY, "n", "a"));
});
