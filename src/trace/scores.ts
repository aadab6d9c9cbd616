/**
 * @module trace/scores
 * S = Σ c_k · P_k for every recipient's pattern P over the same aligned entries. Words (32
 * entries) outer, recipients inner: each word's 32 coefficients become four 256-entry tables (the
 * sum of ±c over 8 entries for every byte of signs), built once into a 4 KB scratch buffer that
 * stays in the first-level cache while every recipient's signs for the word are looked up — one
 * hash and four lookups per word and recipient, no table memory beyond one word's. Words are kept
 * by their weight (Σ 1/σ², a function of the residual only) up to a budget of word × recipient
 * steps, which bounds the time whatever the model's size.
 */
import { recipientSeed, tensorSeed } from "../mark/keys.js";
import { wordBits } from "../mark/pattern.js";
import { WORD_SLOTS, type Residuals } from "./residuals.js";

/** Word × recipient steps allowed; at least MIN_WORDS words are kept. */
export const DEFAULT_BUDGET = 3e8;
/** Recipients from which per-word byte tables pay for themselves. */
const TABLES_FROM = 48;
export const MIN_WORDS = 1 << 13;

export interface Kept {
  /** Per kept word: its tensor (index into `tensors`), word index and coefficients (WORD_SLOTS each). */
  tensorOf: Int32Array;
  word: Int32Array;
  coef: Float32Array;
  tensors: string[];
  /** Σ c² over kept entries (the Hoeffding variance proxy). */
  sumSq: number;
  /** Σ 1/σ² over kept entries (strength scale). */
  weight: number;
  entries: number;
}

/** Keep the most informative `maxWords` words. */
export function keepWords(res: Residuals, maxWords: number): Kept {
  const all: Array<{ t: number; w: number; c: Float32Array; info: number; sq: number }> = [];
  const tensors = [...res.words.keys()].sort();
  tensors.forEach((name, t) => {
    for (const [w, c] of res.words.get(name) ?? []) {
      let sq = 0;
      for (let i = 0; i < 32; i++) sq += (c[i] as number) ** 2;
      // ranked by Σ 1/σ² (how many low-noise entries the word holds), not by Σc², which would
      // favour words whose noise happens to line up with the true pattern and bias its strength
      if (sq > 0) all.push({ t, w, c, info: c[WORD_SLOTS - 1] as number, sq });
    }
  });
  if (all.length > maxWords) all.sort((x, y) => y.info - x.info);
  const kept = all.slice(0, maxWords).sort((x, y) => x.t - y.t || x.w - y.w);
  const n = kept.length;
  const coef = new Float32Array(n * WORD_SLOTS);
  const tensorOf = new Int32Array(n);
  const word = new Int32Array(n);
  let sumSq = 0;
  let weight = 0;
  let entries = 0;
  kept.forEach((k, i) => {
    tensorOf[i] = k.t;
    word[i] = k.w;
    coef.set(k.c, i * WORD_SLOTS);
    sumSq += k.sq;
    weight += k.c[WORD_SLOTS - 1] as number;
    for (let b = 0; b < 32; b++) if (k.c[b] !== 0) entries++;
  });
  return { tensorOf, word, coef, tensors, sumSq, weight, entries };
}

/** The four byte tables of one word's coefficients into `table` (1024 floats). */
function fillTables(coef: Float32Array, at: number, table: Float32Array): void {
  for (let q = 0; q < 4; q++) {
    const base = q * 256;
    let neg = 0;
    for (let b = 0; b < 8; b++) neg -= coef[at + q * 8 + b] as number;
    table[base] = neg;
    for (let v = 1; v < 256; v++) {
      const low = v & -v;
      const bit = 31 - Math.clz32(low);
      table[base + v] = (table[base + (v ^ low)] as number) + 2 * (coef[at + q * 8 + bit] as number);
    }
  }
}

/** S for every recipient seed. */
export function scoreAll(t: Kept, seeds: readonly Uint32Array[]): Float64Array {
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
  const table = new Float32Array(1024);
  const { tensorOf, word, coef } = t;
  for (let i = 0; i < word.length; i++) {
    const a = s0[tensorOf[i] as number] as Int32Array;
    const b = s1[tensorOf[i] as number] as Int32Array;
    const w = word[i] as number;
    if (R < TABLES_FROM) {
      // few recipients: building a word's tables (1,024 sums) would cost more than 32 signs each
      const at = i * WORD_SLOTS;
      for (let r = 0; r < R; r++) {
        const h = wordBits(a[r] as number, b[r] as number, w);
        let sum = 0;
        for (let k = 0; k < 32; k++) sum += (h >>> k) & 1 ? (coef[at + k] as number) : -(coef[at + k] as number);
        S[r] = (S[r] as number) + sum;
      }
      continue;
    }
    fillTables(coef, i * WORD_SLOTS, table);
    for (let r = 0; r < R; r++) {
      const h = wordBits(a[r] as number, b[r] as number, w);
      S[r] = (S[r] as number) + (table[h & 255] as number) + (table[256 + ((h >>> 8) & 255)] as number) + (table[512 + ((h >>> 16) & 255)] as number) + (table[768 + (h >>> 24)] as number);
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

/** Words to keep for `recipients` recipients under a budget of word × recipient steps. */
export function wordsFor(recipients: number, budget = DEFAULT_BUDGET): number {
  return Math.max(MIN_WORDS, Math.floor(budget / Math.max(1, recipients)));
}

/** Every recipient's statistic, bound and strength estimate. */
export function scoreRecipients(t: Kept, key: Uint8Array, model: string, recipients: readonly string[]): RecipientScore[] {
  const S = scoreAll(t, recipients.map((r) => recipientSeed(key, model, r)));
  return recipients.map((recipient, i) => {
    const s = S[i] as number;
    const logP = s > 0 && t.sumSq > 0 ? -(s * s) / (2 * t.sumSq) : 0;
    return { recipient, s, logP, strength: t.weight > 0 ? s / t.weight : 0 };
  });
}
