/**
 * @module trace/scores
 * S = Σ c_k · P_k for every recipient's pattern P over the same aligned entries, in one pass per
 * recipient over the kept words: each word's 32 coefficients become four 256-entry tables (the sum
 * of ±c over 8 entries for every byte of signs), so a word costs one hash and four lookups. Words
 * are kept by their information (Σ c² — a function of the residual only) up to a budget, which
 * bounds time and memory whatever the model's size.
 */
import { recipientSeed, tensorSeed } from "../mark/keys.js";
import { wordBits } from "../mark/pattern.js";
import { WORD_SLOTS, type Residuals } from "./residuals.js";

export const DEFAULT_MAX_WORDS = 1 << 13;

export interface Tables {
  /** Per kept word: its tensor (index into `tensors`) and word index. */
  tensorOf: Int32Array;
  word: Int32Array;
  tensors: string[];
  /** 1024 floats per word: 4 tables of 256. */
  table: Float32Array;
  /** Σ c² over kept entries (the Hoeffding variance proxy). */
  sumSq: number;
  /** Σ 1/σ² over kept entries (strength scale). */
  weight: number;
  entries: number;
}

/** Keep the most informative words (at most `maxWords`) and build their tables. */
export function buildTables(res: Residuals, maxWords = DEFAULT_MAX_WORDS): Tables {
  const all: Array<{ t: number; w: number; c: Float32Array; info: number }> = [];
  const tensors = [...res.words.keys()].sort();
  tensors.forEach((name, t) => {
    for (const [w, c] of res.words.get(name) ?? []) {
      let info = 0;
      for (let i = 0; i < 32; i++) info += (c[i] as number) ** 2;
      if (info > 0) all.push({ t, w, c, info });
    }
  });
  if (all.length > maxWords) all.sort((x, y) => y.info - x.info);
  const kept = all.slice(0, maxWords).sort((x, y) => x.t - y.t || x.w - y.w);
  const n = kept.length;
  const table = new Float32Array(n * 1024);
  const tensorOf = new Int32Array(n);
  const word = new Int32Array(n);
  let sumSq = 0;
  let weight = 0;
  let entries = 0;
  kept.forEach((k, i) => {
    tensorOf[i] = k.t;
    word[i] = k.w;
    sumSq += k.info;
    weight += k.c[WORD_SLOTS - 1] as number;
    for (let b = 0; b < 32; b++) if (k.c[b] !== 0) entries++;
    for (let q = 0; q < 4; q++) {
      const base = i * 1024 + q * 256;
      let neg = 0;
      for (let b = 0; b < 8; b++) neg -= k.c[q * 8 + b] as number;
      table[base] = neg;
      for (let v = 1; v < 256; v++) {
        const low = v & -v;
        const bit = 31 - Math.clz32(low);
        table[base + v] = (table[base + (v ^ low)] as number) + 2 * (k.c[q * 8 + bit] as number);
      }
    }
  });
  return { tensorOf, word, tensors, table, sumSq, weight, entries };
}

/**
 * S for every recipient seed. Words outer, recipients inner: a word's 4 KB of tables stays in the
 * first-level cache while every recipient's signs for it are looked up (recipients outer would
 * fetch every table from memory once per recipient).
 */
export function scoreAll(t: Tables, seeds: readonly Uint32Array[]): Float64Array {
  const R = seeds.length;
  const s0 = t.tensors.map(() => new Int32Array(R));
  const s1 = t.tensors.map(() => new Int32Array(R));
  seeds.forEach((seed, r) => {
    t.tensors.forEach((name, ti) => {
      const [a, b] = tensorSeed(seed, name);
      (s0[ti] as Int32Array)[r] = a;
      (s1[ti] as Int32Array)[r] = b;
    });
  });
  const S = new Float64Array(R);
  const { table, tensorOf, word } = t;
  for (let i = 0; i < word.length; i++) {
    const ti = tensorOf[i] as number;
    const a = s0[ti] as Int32Array;
    const b = s1[ti] as Int32Array;
    const w = word[i] as number;
    const o = i * 1024;
    for (let r = 0; r < R; r++) {
      const h = wordBits(a[r] as number, b[r] as number, w);
      S[r] = (S[r] as number) + (table[o + (h & 255)] as number) + (table[o + 256 + ((h >>> 8) & 255)] as number) + (table[o + 512 + ((h >>> 16) & 255)] as number) + (table[o + 768 + (h >>> 24)] as number);
    }
  }
  return S;
}

export interface RecipientScore {
  recipient: string;
  s: number;
  /** ln of the Hoeffding bound exp(-S²/(2 Σc²)) for S > 0, else 0. */
  logP: number;
  /** S / Σ(1/σ²): the pattern's amplitude in the suspect, as a fraction of row RMS. */
  strength: number;
}

/** Every recipient's statistic, bound and strength estimate. */
export function scoreRecipients(t: Tables, key: Uint8Array, model: string, recipients: readonly string[]): RecipientScore[] {
  const S = scoreAll(t, recipients.map((r) => recipientSeed(key, model, r)));
  return recipients.map((recipient, i) => {
    const s = S[i] as number;
    const logP = s > 0 && t.sumSq > 0 ? -(s * s) / (2 * t.sumSq) : 0;
    return { recipient, s, logP, strength: t.weight > 0 ? s / t.weight : 0 };
  });
}
