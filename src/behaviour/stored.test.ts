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
