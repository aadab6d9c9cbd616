/**
 * The behavioural test across tokenizers (src/behaviour/text-level.ts), on real models: the
 * text-level record of a byte-vocabulary model is its token-level record read as characters; a
 * SentencePiece model's boundaries fall where its tokens end in the probe text, and its next-
 * character distribution adds up its tokens by first character; compare --behaviour between models
 * with different tokenizers runs on the boundaries they share instead of refusing.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { compareBehaviour } from "../../src/behaviour/compare-behaviour.js";
import { builtinProbes, type ProbeSet } from "../../src/behaviour/probes.js";
import { recordBehaviour, type BehaviourRecord } from "../../src/behaviour/record.js";
import { END_OF_TEXT, onCommonOffsets } from "../../src/behaviour/text-level.js";
import { decode } from "../../src/formats/tokenizer/index.js";
import { loadModel } from "../../src/load-model.js";
import type { CanonicalModel } from "../../src/model/canonical.js";
import { runVocabulary } from "../../src/run/index.js";
import { devPath } from "../../src/test-support/dev-truth.js";

const all = builtinProbes();
const probes: ProbeSet = { version: all.version, texts: all.texts.filter((_, i) => i % 5 === 0) };

function withModels<T>(ids: string[], fn: (ms: CanonicalModel[]) => T): T {
  const ms = ids.map((id) => loadModel(devPath(id)));
  try {
    return fn(ms);
  } finally {
    for (const m of ms) m.close();
  }
}

test("a byte-vocabulary model's text-level record is its token-level record, read as characters", () => {
  withModels(["A"], ([a]) => {
    const r = recordBehaviour(a as CanonicalModel, probes, { k: 16, text: true });
    const t = r.text as BehaviourRecord;
    assert.ok(t, "text view");
    let compared = 0;
    r.probes.forEach((p, n) => {
      const q = t.probes[n]!;
      const text = probes.texts[n]!.text;
      for (let i = 0; i < p.tokens.length; i++) {
        // no BOS: the prediction after i + 1 bytes
        assert.equal(q.tokens[i], i + 1);
        // an ASCII byte is a character: the same log-probability in both views (bytes 128-255,
        // parts of UTF-8 sequences, add up to one symbol U+FFFD)
        for (let j = 0; j < t.k; j++) {
          const c = q.ids[i * t.k + j] as number;
          if (c >= 128) continue;
          for (let jj = 0; jj < r.k; jj++) {
            if (p.ids[i * r.k + jj] !== c) continue;
            assert.ok(Math.abs((q.logp[i * t.k + j] as number) - (p.logp[i * r.k + jj] as number)) < 1e-4, `probe ${n} position ${i} byte ${c}`);
            compared++;
          }
        }
      }
      assert.equal(String.fromCharCode(...Array.from(p.tokens)), text.slice(0, p.tokens.length));
    });
    assert.ok(compared > 3000, `${compared} characters compared`);
  });
});

test("a SentencePiece model's boundaries are where its tokens end, and a character's probability adds up its tokens", () => {
  withModels(["S"], ([s]) => {
    const m = s as CanonicalModel;
    const r = recordBehaviour(m, probes, { k: 16, text: true });
    const t = r.text as BehaviourRecord;
    const vocab = runVocabulary(m)!;
    let boundaries = 0;
    r.probes.forEach((p, n) => {
      const q = t.probes[n]!;
      const text = probes.texts[n]!.text;
      let last = -1;
      for (let i = 0; i < p.tokens.length; i++) {
        const at = q.tokens[i] as number;
        if (at < 0) continue;
        assert.ok(at > 0, "the text's start is not a boundary");
        assert.ok(at >= last, `offsets grow: ${at} after ${last}`);
        last = at;
        boundaries++;
        // the character A's most likely token starts with gets at least that token's probability
        const top = p.ids[i * r.k] as number;
        const first = decode(vocab, [...p.tokens.slice(0, i + 1), top]).slice(decode(vocab, Array.from(p.tokens.slice(0, i + 1))).length).codePointAt(0) ?? END_OF_TEXT;
        let got = -Infinity;
        for (let j = 0; j < t.k; j++) if (q.ids[i * t.k + j] === first) got = q.logp[i * t.k + j] as number;
        assert.ok(got >= (p.logp[i * r.k] as number) - 1e-4, `probe ${n} position ${i}: ${got} < ${p.logp[i * r.k]}`);
        let mass = 0;
        for (let j = 0; j < t.k; j++) mass += Math.exp(q.logp[i * t.k + j] as number);
        assert.ok(mass <= 1 + 1e-4, `mass ${mass}`);
      }
      assert.ok(last <= text.length);
    });
    // its tokens are words and pieces: fewer boundaries than characters, but most words start one
    const chars = probes.texts.reduce((s0, x) => s0 + x.text.length, 0);
    assert.ok(boundaries > chars / 6 && boundaries < chars, `${boundaries} boundaries, ${chars} characters`);
    // the byte model and S share exactly S's boundaries
    const a = withModels(["A"], ([x]) => recordBehaviour(x as CanonicalModel, probes, { k: 16, text: true }).text as BehaviourRecord);
    const [cs, ca] = onCommonOffsets([t, a]);
    assert.deepEqual(cs!.probes.map((p) => Array.from(p.tokens)), ca!.probes.map((p) => Array.from(p.tokens)));
    assert.equal(cs!.probes.reduce((s0, p) => s0 + p.tokens.length, 0), new Set(t.probes.flatMap((p, n) => Array.from(p.tokens).filter((o) => o >= 0).map((o) => `${n}:${o}`))).size);
  });
});

test("compare --behaviour across tokenizers (A and its vocabulary-extended fine-tune) runs at the text level", () => {
  withModels(["A", "A-vocab", "B", "D"], ([a, av, b, d]) => {
    const same = compareBehaviour(a as CanonicalModel, b as CanonicalModel, [d as CanonicalModel], { probes });
    assert.equal(same.level, "token");
    const r = compareBehaviour(a as CanonicalModel, av as CanonicalModel, [b as CanonicalModel, d as CanonicalModel], { probes });
    assert.equal(r.level, "text");
    assert.ok(r.positions >= 200 && r.positions < 700, `${r.positions} positions`);
    assert.ok(Number.isFinite(r.suspectAgreement));
    assert.ok(r.evidenceText.every((e) => e.context.length > 0 && probes.texts[e.probe]!.text.includes(e.context)));
  });
});
