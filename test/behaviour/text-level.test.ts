/**
 * The behavioural test across tokenizers (src/behaviour/text-level.ts), on real models: the
 * text-level record of a byte-vocabulary model is its token-level record read as characters; a
 * SentencePiece model's boundaries fall where its tokens end in the probe text, and its next-
 * character distribution adds up its tokens by first character; records cut to their shared
 * boundaries keep their own values there; compare --behaviour with an A of another tokenizer runs on
 * the boundaries they share, and refuses controls whose tokenizer is not B's.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { compareBehaviour } from "../../src/behaviour/compare-behaviour.js";
import { PedigreeError } from "../../src/errors.js";
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
        // the text up to the boundary is what the tokens so far decode to (less the dummy prefix's space)
        const prefix = decode(vocab, Array.from(p.tokens.slice(0, i + 1)));
        assert.equal(text.slice(0, at), prefix.startsWith(" ") && !text.startsWith(" ") ? prefix.slice(1) : prefix, `probe ${n} position ${i}`);
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
    // the byte model (a boundary after every byte) and S share exactly S's boundaries, and each
    // record keeps its own values there: A's text view at offset o is its position o - 1
    const a = withModels(["A"], ([x]) => recordBehaviour(x as CanonicalModel, probes, { k: 16, text: true }).text as BehaviourRecord);
    const [cs, ca] = onCommonOffsets([t, a]);
    assert.equal(cs!.probes.reduce((s0, p) => s0 + p.tokens.length, 0), new Set(t.probes.flatMap((p, n) => Array.from(p.tokens).filter((o) => o >= 0).map((o) => `${n}:${o}`))).size);
    ca!.probes.forEach((p, n) => {
      const src = a.probes[n]!;
      p.tokens.forEach((o, i) => {
        assert.deepEqual(Array.from(p.ids.subarray(i * a.k, (i + 1) * a.k)), Array.from(src.ids.subarray((o - 1) * a.k, o * a.k)), `probe ${n} offset ${o}`);
        assert.equal(p.floor[i], src.floor[o - 1]);
      });
    });
    cs!.probes.forEach((p, n) => {
      const src = t.probes[n]!;
      p.tokens.forEach((o, i) => {
        const j = Array.from(src.tokens).lastIndexOf(o);
        assert.deepEqual(Array.from(p.logp.subarray(i * t.k, (i + 1) * t.k)), Array.from(src.logp.subarray(j * t.k, (j + 1) * t.k)));
      });
    });
  });
});

test("compare --behaviour across tokenizers: A of another tokenizer at the text level; controls must share B's", () => {
  withModels(["A", "A-vocab", "A-distil", "B", "D"], ([a, av, ad, b, d]) => {
    const M = (x: CanonicalModel | undefined) => x as CanonicalModel;
    assert.equal(compareBehaviour(M(a), M(b), [M(d)], { probes }).level, "token");
    // A-vocab (A's vocabulary-extended fine-tune, 320 tokens) as the reference, A's student as B
    const r = compareBehaviour(M(av), M(ad), [M(b), M(d)], { probes });
    assert.equal(r.level, "text");
    assert.ok(r.positions >= 200 && r.positions < 700, `${r.positions} positions`);
    assert.ok(Number.isFinite(r.suspectAgreement));
    // the evidence is shown as the probe text up to the boundary, and the character A-vocab expects there
    for (const e of r.evidenceText) {
      const text = probes.texts[e.probe]!.text;
      assert.ok(e.context.length > 0 && text.includes(e.context));
      assert.equal(e.next.length, 1);
    }
    assert.throws(() => compareBehaviour(M(a), M(b), [M(av), M(d)], { probes }), (e: unknown) => e instanceof PedigreeError && /must have B's tokenizer/.test(e.message));
  });
});
