import assert from "node:assert/strict";
import { test } from "node:test";
import { loadModel } from "../load-model.js";
import { materialize } from "../model/materialize.js";
import { promptTokens, Transformer } from "../run/index.js";
import { devPath } from "../test-support/dev-truth.js";
import { applySteps } from "./forge.js";
import { parseSteps } from "./parse-steps.js";
import { synthesize } from "./synthesize.js";

const TEXT = "The window shows the buffer. Use the search command to find a pattern in the text.";

/** Mean over positions of: does the student's most likely next token equal the teacher's? */
function top1Agreement(teacher: Transformer, student: Transformer): number {
  const ids = promptTokens(teacher, TEXT);
  const a = teacher.logits(ids);
  const b = student.logits(ids);
  const V = teacher.vocabSize;
  let same = 0;
  for (let i = 0; i < ids.length; i++) {
    let ta = 0;
    let tb = 0;
    for (let t = 1; t < V; t++) {
      if ((a[i * V + t] as number) > (a[i * V + ta] as number)) ta = t;
      if ((b[i * V + t] as number) > (b[i * V + tb] as number)) tb = t;
    }
    if (ta === tb) same++;
  }
  return same / ids.length;
}

test("forge distil: a fresh student's head imitates the teacher on text it never saw; weights stay independent", () => {
  const teacher = loadModel(devPath("A"));
  try {
    const start = synthesize({ family: "llama", dim: 32, layers: 1, ffn: 64, heads: 2, kvHeads: 2, vocab: 256, ctx: 128, seed: 3 });
    const applied = applySteps(start, parseSteps(`distil:logits=${devPath("A")}@3`), { seed: 3 });
    try {
      assert.deepEqual(applied.truth.chain, ["distilled"]);
      assert.equal(applied.truth.parents[0]?.role, "teacher");
      assert.equal(applied.truth.relationTo(0), "independent");
      const rec = applied.chain[0]?.record as { tokens: number; fitR2: number };
      assert.equal(rec.tokens, 3 * 128);
      assert.ok(rec.fitR2 > 0.05 && rec.fitR2 <= 1, `fit R2 ${rec.fitR2}`);
      const ce = (applied.chain[0]?.record as { crossEntropy: { ridge: number; trained: number } }).crossEntropy;
      assert.ok(ce.trained < ce.ridge, `cross-entropy ${ce.ridge} -> ${ce.trained}`);
      const student = materialize(applied.draft);
      assert.ok(student.tokens, "the student carries the teacher's tokenizer");
      const T = new Transformer(teacher);
      const fresh = new Transformer(materialize({ ...start, tokens: student.tokens }));
      const taught = top1Agreement(T, new Transformer(student));
      const untaught = top1Agreement(T, fresh);
      // chance is 1/256; a 1-layer dim-32 student fitted on 384 tokens gets about a quarter
      assert.ok(taught > 0.15 && taught > 4 * untaught, `taught ${taught}, untaught ${untaught}`);
    } finally {
      applied.close();
    }
  } finally {
    teacher.close();
  }
});

test("forge distil: the step's syntax errors name what is expected", () => {
  assert.throws(() => parseSteps("distil"), /distil needs <logits\|text>=<teacher>/);
  assert.throws(() => parseSteps("distil:soft=../x"), /unknown mode "soft"/);
  assert.throws(() => parseSteps("distil:text=../x@0"), /sequences/);
  assert.deepEqual(parseSteps("distil:text=../x@7")[0], { name: "distil", mode: "text", path: "../x", sequences: 7, text: "distil:text=../x@7" });
});
