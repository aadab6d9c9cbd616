import assert from "node:assert/strict";
import { test } from "node:test";
import { BadInputError } from "../errors.js";
import { loadModel } from "../load-model.js";
import { sharedPath } from "../test-support/shared.js";
import { builtinProbes } from "./probes.js";
import { recordBehaviour } from "./record.js";
import { decodeBehaviour, encodeBehaviour, STORED_TOP_K } from "./stored.js";

test("a stored behavioural fingerprint of stories260K: bounded, within 1/16 nat of the record, damaged bytes refused", () => {
  const m = loadModel(sharedPath("models", "stories260K", "stories260K.bin"));
  let r;
  try {
    r = recordBehaviour(m, builtinProbes());
  } finally {
    m.close();
  }
  const bytes = encodeBehaviour(r);
  assert.ok(bytes.length <= 256 * 1024, `${bytes.length} bytes`);
  const d = decodeBehaviour(bytes);
  assert.equal(d.k, STORED_TOP_K);
  assert.equal(d.probesVersion, r.probesVersion);
  assert.equal(d.vocabSize, r.vocabSize);
  assert.equal(d.tokens, r.tokens);
  d.probes.forEach((p, t) => {
    const q = r.probes[t];
    assert.ok(q);
    assert.deepEqual([...p.tokens], [...q.tokens]);
    for (let i = 0; i < p.tokens.length; i++) {
      for (let j = 0; j < d.k; j++) {
        assert.equal(p.ids[i * d.k + j], q.ids[i * r.k + j]);
        const l = q.logp[i * r.k + j] as number;
        if (l > -31.9) assert.ok(Math.abs((p.logp[i * d.k + j] as number) - l) <= 1 / 16 + 1e-6);
      }
      // the floor stands for the tokens outside the top 16: never above the 16th
      assert.ok((p.floor[i] as number) <= (p.logp[i * d.k + d.k - 1] as number) + 1 / 16);
    }
  });
  assert.throws(() => decodeBehaviour(bytes.subarray(0, bytes.length - 7), "x"), (e: unknown) => e instanceof BadInputError && /truncated|left over/.test(e.message));
  const newer = Uint8Array.from(bytes);
  newer[4] = 9;
  assert.throws(() => decodeBehaviour(newer, "x"), (e: unknown) => e instanceof BadInputError && /newer/.test(e.message));
  assert.throws(() => decodeBehaviour(new TextEncoder().encode("not a fingerprint at all"), "x"), BadInputError);
});

test("layout 2 carries the text view: its boundaries only, round trip byte for byte, damage refused", () => {
  const m = loadModel(sharedPath("models", "stories260K", "stories260K.bin"));
  let r;
  try {
    r = recordBehaviour(m, builtinProbes(), { k: STORED_TOP_K, text: true });
  } finally {
    m.close();
  }
  const bytes = encodeBehaviour(r);
  assert.equal(bytes[4], 2);
  assert.ok(bytes.length <= 2 * 256 * 1024, `${bytes.length} bytes`);
  const d = decodeBehaviour(bytes);
  assert.deepEqual(encodeBehaviour(d), bytes);
  const t = d.text;
  assert.ok(t && r.text);
  t.probes.forEach((p, n) => {
    // only the positions where a token ends in the text, in order, with their characters
    const kept = Array.from(r.text!.probes[n]!.tokens).filter((o) => o >= 0);
    assert.deepEqual(Array.from(p.tokens), kept);
    assert.ok(p.tokens.length > 0);
  });
  // the token view is what layout 1 would hold
  assert.deepEqual(encodeBehaviour({ ...d, text: undefined }).subarray(5), bytes.subarray(5, encodeBehaviour({ ...d, text: undefined }).length));
  for (const cut of [3, 40, 1000]) {
    assert.throws(() => decodeBehaviour(bytes.subarray(0, bytes.length - cut), "x"), (e: unknown) => e instanceof BadInputError && /truncated|left over|length/.test(e.message));
  }
  // the text view is a layout-1 blob after the token view and its u32 length
  const inner = encodeBehaviour({ ...d, text: undefined }).length + 4;
  assert.deepEqual(Array.from(bytes.subarray(inner, inner + 5)), [0x50, 0x42, 0x48, 0x56, 1]);
  const nested = Uint8Array.from(bytes);
  nested[inner + 4] = 2;
  assert.throws(() => decodeBehaviour(nested, "x"), (e: unknown) => e instanceof BadInputError && /text view/.test(e.message));
});
