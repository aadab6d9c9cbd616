/**
 * @module evidence/identity-permutation
 * The exact test for models kept in their original unit order (no obfuscation), after Zhu et al.'s
 * constrained-setting tests. Under H0 — B initialised independently of A, from an initialisation
 * that treats units alike, trained by an optimiser that treats them alike — B's labelling of every
 * permutable group of units (an MLP's hidden units, the value dimensions of a head, the dimensions
 * of the residual stream, ...) is uniformly random relative to A's, independently group by group.
 * For each group, the statistic Σ_u sim(a_u, b_u) over same-labelled units is ranked among K random
 * relabellings (an exact Monte Carlo permutation p-value), and the groups' p-values, independent
 * under H0, are combined by Fisher's method. No distributional assumption; no convergence
 * allowance needed. Powerful even for tiny models, blind to permuted derivatives (the unit tests
 * cover those).
 */
import type { CanonicalModel } from "../model/canonical.js";
import { Rng } from "../numeric/rng.js";
import { logFisher } from "../numeric/stats.js";
import { cosines, normalizeRows } from "./similarity.js";
import type { TokenPairs } from "./token-pairs.js";
import { isLarge, readSomeColumns, readSomeRows, readUnits } from "./unit-views.js";

export const PERMUTATIONS = 4999;
/** Besag-Clifford sequential stopping: stop once this many permutations reach the observed value. */
const ENOUGH = 12;
const MAX_UNITS = 384;
const MIN_UNITS = 5;

export interface GroupTest {
  group: string;
  units: number;
  /** Observed statistic and the mean of its permutation distribution. */
  observed: number;
  expected: number;
  logP: number;
}

export interface IdentityTestResult {
  logP: number;
  groups: GroupTest[];
  /** ln p per layer (Fisher over that layer's groups). */
  layers: Map<number, number>;
}

/** Views of the units of one group, in both models, as row sets (n x k each, any number of views). */
interface Group {
  name: string;
  layer: number | null;
  a: Array<{ x: Float32Array; k: number }>;
  b: Array<{ x: Float32Array; k: number }>;
  n: number;
}

/** Exact Monte Carlo permutation p-value of trace(S) among Σ_u S[u, π(u)]. */
function permutationP(s: Float32Array, n: number, rng: Rng): { observed: number; expected: number; logP: number } {
  let observed = 0;
  let total = 0;
  for (let u = 0; u < n; u++) observed += s[u * n + u] as number;
  for (let i = 0; i < n * n; i++) total += s[i] as number;
  let atLeast = 0;
  let done = 0;
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  for (let k = 0; k < PERMUTATIONS; k++) {
    done++;
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const t = perm[i] as number;
      perm[i] = perm[j] as number;
      perm[j] = t;
    }
    let v = 0;
    for (let u = 0; u < n; u++) v += s[u * n + (perm[u] as number)] as number;
    if (v >= observed - 1e-9 * Math.abs(observed)) atLeast++;
    // Besag & Clifford (1991): stopping at the ENOUGH-th exceedance, p = ENOUGH / permutations drawn
    if (atLeast >= ENOUGH) return { observed, expected: total / n, logP: Math.log(ENOUGH / done) };
  }
  return { observed, expected: total / n, logP: Math.log((1 + atLeast) / (1 + PERMUTATIONS)) };
}

function groupTest(g: Group, rng: Rng): GroupTest {
  const n = g.n;
  const s = new Float32Array(n * n);
  g.a.forEach((va, v) => {
    const vb = g.b[v] as { x: Float32Array; k: number };
    const c = cosines(normalizeRows(vb.x, n, vb.k), n, normalizeRows(va.x, n, va.k), n, va.k);
    for (let i = 0; i < n * n; i++) s[i] = (s[i] as number) + (c[i] as number);
  });
  return { group: g.name, units: n, ...permutationP(s, n, rng) };
}

function pickUnits(n: number, rng: Rng): Int32Array | undefined {
  return n > MAX_UNITS ? rng.permutation(n).slice(0, MAX_UNITS).sort() : undefined;
}

/** Rows (or the transpose's rows: columns) of one tensor for a unit subset, in both models. */
function rowsBoth(a: CanonicalModel, b: CanonicalModel, key: string, rows: number[], columns = false): [Float32Array, Float32Array, number] | null {
  const ta = a.tensors.get(key);
  const tb = b.tensors.get(key);
  if (!ta || !tb || ta.rows !== tb.rows || ta.cols !== tb.cols) return null;
  const idx = Int32Array.from(rows);
  if (columns) return [readSomeColumns(ta, idx), readSomeColumns(tb, idx), ta.rows];
  return [readSomeRows(ta, idx), readSomeRows(tb, idx), ta.cols];
}

function layerGroups(a: CanonicalModel, b: CanonicalModel, l: number, rng: Rng): Group[] {
  const out: Group[] = [];
  // MLP hidden units (all views)
  const nA = a.tensors.get(`layers.${l}.mlp.up`)?.rows;
  if (nA !== undefined && nA === b.tensors.get(`layers.${l}.mlp.up`)?.rows && nA >= MIN_UNITS) {
    const pick = pickUnits(nA, rng);
    const ua = readUnits(a, l, "mlp", pick, true);
    const ub = readUnits(b, l, "mlp", pick, true);
    if (ua && ub && ua.views.join() === ub.views.join() && ua.d === ub.d) {
      const n = pick ? pick.length : nA;
      out.push({ name: `layers.${l}.mlp`, layer: l, n, a: ua.data.map((x) => ({ x, k: ua.d })), b: ub.data.map((x) => ({ x, k: ub.d })) });
    }
  }
  // value dimensions of each kv head, with the output-projection columns that read them
  const pa = a.params;
  const hd = pa.headDim;
  const v = a.tensors.get(`layers.${l}.attn.v`);
  if (hd >= MIN_UNITS && v && pa.nKvHeads > 0 && v.rows === pa.nKvHeads * hd && pa.nHeads % pa.nKvHeads === 0) {
    const perGroup = pa.nHeads / pa.nKvHeads;
    const vAll = rowsBoth(a, b, `layers.${l}.attn.v`, Array.from({ length: v.rows }, (_, i) => i));
    const oAll = rowsBoth(a, b, `layers.${l}.attn.o`, Array.from({ length: pa.nHeads * hd }, (_, i) => i), true);
    const slice = (x: Float32Array, k: number, first: number) => x.slice(first * k, (first + hd) * k);
    if (vAll) {
      for (let g = 0; g < pa.nKvHeads; g++) {
        const views = [{ a: slice(vAll[0], vAll[2], g * hd), b: slice(vAll[1], vAll[2], g * hd), k: vAll[2] }];
        if (oAll) for (let h = g * perGroup; h < (g + 1) * perGroup; h++) views.push({ a: slice(oAll[0], oAll[2], h * hd), b: slice(oAll[1], oAll[2], h * hd), k: oAll[2] });
        out.push({ name: `layers.${l}.attn.v${g}`, layer: l, n: hd, a: views.map((x) => ({ x: x.a, k: x.k })), b: views.map((x) => ({ x: x.b, k: x.k })) });
      }
    }
    // without rotary embeddings, query/key dimensions of a head are permutable together too
    if (pa.block === "gpt2" && pa.nKvHeads === pa.nHeads) {
      const all = Array.from({ length: pa.nHeads * hd }, (_, i) => i);
      const q = rowsBoth(a, b, `layers.${l}.attn.q`, all);
      const k = rowsBoth(a, b, `layers.${l}.attn.k`, all);
      if (q && k) {
        for (let h = 0; h < pa.nHeads; h++) {
          out.push({
            name: `layers.${l}.attn.qk${h}`, layer: l, n: hd,
            a: [{ x: slice(q[0], q[2], h * hd), k: q[2] }, { x: slice(k[0], k[2], h * hd), k: k[2] }],
            b: [{ x: slice(q[1], q[2], h * hd), k: q[2] }, { x: slice(k[1], k[2], h * hd), k: k[2] }],
          });
        }
      }
    }
  }
  return out;
}

/** Residual dimensions: embedding columns over shared tokens (token rows are fixed labels). */
function residualGroup(a: CanonicalModel, b: CanonicalModel, pairs: TokenPairs | null, rng: Rng): Group | null {
  const ea = a.tensors.get("embed");
  const eb = b.tensors.get("embed");
  if (!pairs || !ea || !eb || ea.cols !== eb.cols || ea.cols < MIN_UNITS || pairs.a.length < 8) return null;
  const k = Math.min(pairs.a.length, 1024);
  const pick = k < pairs.a.length ? rng.permutation(pairs.a.length).slice(0, k) : Int32Array.from(pairs.a.keys());
  const ra = readSomeRows(ea, Int32Array.from(pick, (i) => pairs.a[i] as number));
  const rb = readSomeRows(eb, Int32Array.from(pick, (i) => pairs.b[i] as number));
  const d = ea.cols;
  const cols = (x: Float32Array) => {
    const out = new Float32Array(d * k);
    for (let r = 0; r < k; r++) for (let j = 0; j < d; j++) out[j * k + r] = x[r * d + j] as number;
    return out;
  };
  const dims = pickUnits(d, rng);
  const sub = (x: Float32Array) => (dims ? Float32Array.from({ length: dims.length * k }, (_, i) => x[(dims[Math.floor(i / k)] as number) * k + (i % k)] as number) : x);
  return { name: "residual", layer: null, n: dims ? dims.length : d, a: [{ x: sub(cols(ra)), k }], b: [{ x: sub(cols(rb)), k }] };
}

export function identityPermutationTest(a: CanonicalModel, b: CanonicalModel, pairs: TokenPairs | null, seed: number): IdentityTestResult | null {
  if ((a.tensors.get("embed")?.cols ?? a.params.dim) !== (b.tensors.get("embed")?.cols ?? b.params.dim)) return null;
  const rng = new Rng(seed ^ 0x1d1d);
  const groups: GroupTest[] = [];
  const layers = new Map<number, number>();
  const L = Math.min(a.params.nLayers, b.params.nLayers);
  // Large models: a spread of layers is plenty (each group alone can reach p = 1/(K+1)).
  const big = isLarge(a);
  const layerList = big ? [...new Set([0, Math.floor(L / 3), Math.floor((2 * L) / 3), L - 1].filter((l) => l >= 0 && l < L))] : Array.from({ length: L }, (_, i) => i);
  for (const l of layerList) {
    const tests = layerGroups(a, b, l, rng).map((g) => groupTest(g, rng));
    groups.push(...tests);
    if (tests.length) layers.set(l, logFisher(tests.map((t) => t.logP)));
  }
  const res = residualGroup(a, b, pairs, rng);
  if (res) groups.push(groupTest(res, rng));
  if (groups.length === 0) return null;
  return { logP: logFisher(groups.map((g) => g.logP)), groups, layers };
}
