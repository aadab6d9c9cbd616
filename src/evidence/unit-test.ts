/**
 * @module evidence/unit-test
 * One component of B (an MLP, the query or value rows of one layer) against one component of A:
 * sample B's units, map them into A's residual frame, find each one's best A unit, and run the
 * exceedance test. Small components are compared exhaustively; large ones through a coordinate
 * sketch that shortlists candidates, verified exactly — never a full-width assignment.
 */
import type { CanonicalModel } from "../model/canonical.js";
import { Rng } from "../numeric/rng.js";
import { exceedanceTest, UNIT_LEVEL, unitLogP, type ExceedanceResult, type UnitMatch } from "./exceedance.js";
import { toFrameA, widthB, type Frame } from "./frame.js";
import { nullScale, robustScale } from "./null-scale.js";

/** Random unit pairs sampled for the null spread (all pairs when there are fewer). */
const NULL_PAIRS = 2048;
import { cosineAt, cosines, rowNorms, selectColumns, topK } from "./similarity.js";
import { readMlpNormalized, readUnits, residualWidth, unitCount, type Combine, type UnitKind, type UnitSet } from "./unit-views.js";

export interface UnitTestOptions {
  /** Most B units sampled per component. */
  sample: number;
  /** Probe only: compare on a fixed set of coordinates, from sketches kept by the cache (no re-read of A). */
  sketched?: boolean;
  /** Add down columns (needs whole down matrices; skipped for very large layers). */
  withDown: boolean;
  seed: number;
}

export const DEFAULT_UNIT_OPTIONS: UnitTestOptions = { sample: 256, withDown: true, seed: 0x5eed };

export interface UnitTestResult extends ExceedanceResult {
  component: string;
  kind: UnitKind;
  a: number;
  b: number;
  unitsA: number;
  unitsB: number;
  /** Mean cosine of matched units, per view (sign-aligned). */
  viewCos: Record<string, number>;
  /** Fraction of matches whose A unit has the B unit's index (unit order preserved). */
  sameIndex: number;
  /** Fraction of consecutive matches (by B index, within blocks of A's size) whose A index increases: unit order kept even if units were removed. */
  inOrder: number;
  /** Spread (std of log) of up-row norm ratios B/A among matches, and of gate rows (scaling cue). */
  normRatioSpread: Record<string, number>;
  /** Median norm ratio B/A per view over matches. */
  normRatio: Record<string, number>;
  /** Null spread of the combined similarity. */
  scale: number;
  /** Could a unit identical in every view pass the per-unit test here? (False for very narrow models.) */
  powered: boolean;
  /** Per distinct match, the first view's cosine and norm ratio B/A (for the size of the change). */
  matchCos: Float64Array;
  matchRatio: Float64Array;
}

interface Prepared {
  set: UnitSet;
  /** Row-normalised views. */
  unit: Float32Array[];
  norms: Float64Array[];
}

function prepare(set: UnitSet, rows: number): Prepared {
  const norms = set.data.map((x) => rowNorms(x, rows, set.d));
  const unit = set.data.map((x, v) => {
    const nv = norms[v] as Float64Array;
    for (let r = 0; r < rows; r++) {
      const inv = (nv[r] as number) > 0 ? 1 / (nv[r] as number) : 0;
      for (let j = 0, o = r * set.d; j < set.d; j++) x[o + j] = (x[o + j] as number) * inv;
    }
    return x;
  });
  return { set, unit, norms };
}

const frameIds = new WeakMap<Frame, number>();
let nextFrameId = 1;
function frameId(f: Frame): number {
  let id = frameIds.get(f);
  if (id === undefined) {
    id = nextFrameId++;
    frameIds.set(f, id);
  }
  return id;
}

/** Bytes of float32 A components a cache may hold (large layers are hundreds of MB each). */
const CACHE_BYTES = 400 << 20;

/** A cache of A's fully read components (an LRU bounded in bytes) and of B's samples. */
export class ComponentCache {
  private map = new Map<string, Prepared | null>();
  private samples = new Map<string, Prepared | null>();
  private sketches = new Map<string, Prepared | null>();
  private bytes = 0;
  constructor(private readonly capacity = 64) {}

  /** A's component restricted to `coords` (kept for the whole comparison: probes read A once). */
  sketch(m: CanonicalModel, l: number, kind: UnitKind, withDown: boolean, coords: Int32Array): Prepared | null {
    const key = sketchKey(l, kind, withDown, coords);
    if (this.sketches.has(key)) return this.sketches.get(key) as Prepared | null;
    const full = this.get(m, l, kind, withDown);
    // reading the component may have made its sketch on the way
    if (this.sketches.has(key)) return this.sketches.get(key) as Prepared | null;
    const v = full ? restrictPrepared(full, coords) : null;
    this.sketches.set(key, v);
    return v;
  }

  /** B's units `rows` of layer `l`, mapped into A's frame and normalised. */
  sample(m: CanonicalModel, l: number, kind: UnitKind, rows: Int32Array, withDown: boolean, frame: Frame): Prepared | null {
    const key = `${l}/${kind}/${withDown}/${frameId(frame)}/${rows.length}/${rows[0]}/${rows[rows.length - 1]}`;
    if (this.samples.has(key)) return this.samples.get(key) as Prepared | null;
    const set = readUnits(m, l, kind, rows, withDown);
    let v: Prepared | null = null;
    if (set && set.d === widthB(frame)) {
      set.data = set.data.map((x) => toFrameA(frame, x, rows.length));
      set.d = frame.dim;
      v = prepare(set, rows.length);
    }
    this.samples.set(key, v);
    if (this.samples.size > 4 * this.capacity) this.samples.delete(this.samples.keys().next().value as string);
    return v;
  }

  get(m: CanonicalModel, l: number, kind: UnitKind, withDown: boolean): Prepared | null {
    const key = `${l}/${kind}/${withDown}`;
    if (this.map.has(key)) {
      const v = this.map.get(key) as Prepared | null;
      this.map.delete(key);
      this.map.set(key, v);
      return v;
    }
    let v: Prepared | null;
    if (kind === "mlp" && !withDown) {
      // streamed: rows normalised, and the probe sketch made, in the pass that reads them
      const wide = residualWidth(m) > SKETCH_COORDS;
      const r = readMlpNormalized(m, l, wide ? probeCoords(residualWidth(m)) : null);
      v = r ? { set: r.set, unit: r.set.data, norms: r.norms } : null;
      const sk = sketchKey(l, kind, withDown, probeCoords(residualWidth(m)));
      if (r?.sketch && !this.sketches.has(sk)) {
        const k = probeCoords(r.set.d).length;
        this.sketches.set(sk, { set: { ...r.set, d: k, data: r.sketch.data }, unit: r.sketch.data, norms: r.sketch.norms });
      }
    } else {
      const set = readUnits(m, l, kind, undefined, withDown);
      v = set ? prepare(set, set.n) : null;
      // keep a sketch of every large component read, for probes
      const sk = v ? sketchKey(l, kind, withDown, probeCoords(v.set.d)) : "";
      if (v && v.set.d > SKETCH_COORDS && !this.sketches.has(sk)) this.sketches.set(sk, restrictPrepared(v, probeCoords(v.set.d)));
    }
    const size = (p: Prepared | null) => (p ? p.unit.reduce((s, x) => s + x.byteLength, 0) : 0);
    this.map.set(key, v);
    this.bytes += size(v);
    while (this.map.size > 1 && (this.map.size > this.capacity || this.bytes > CACHE_BYTES)) {
      const oldest = this.map.keys().next().value as string;
      this.bytes -= size(this.map.get(oldest) ?? null);
      this.map.delete(oldest);
    }
    return v;
  }
}

/** Sketches are kept per component and coordinate set (probe sketches, or a frame's coordinates). */
function sketchKey(l: number, kind: UnitKind, withDown: boolean, coords: Int32Array): string {
  let h = 0;
  for (let i = 0; i < coords.length; i++) h = (Math.imul(h, 31) + (coords[i] as number)) | 0;
  return `${l}/${kind}/${withDown}/${coords.length}/${coords[0]}/${coords[coords.length - 1]}/${h}`;
}

/** Coordinates probes compare on (hash-free: every SKETCH_COORDS-th spread evenly, same for every layer). */
export function probeCoords(d: number): Int32Array {
  return spreadCoords(d, SKETCH_COORDS);
}

/** `n` of `d` coordinates spread evenly (all of them when n >= d), ascending. */
export function spreadCoords(d: number, n: number): Int32Array {
  const k = Math.min(d, n);
  return Int32Array.from({ length: k }, (_, i) => Math.floor((i * d) / k));
}

/** A prepared component restricted to some coordinates and renormalised; norms are the restricted rows'. */
function restrictPrepared(p: Prepared, coords: Int32Array): Prepared {
  const d = p.set.d;
  // the rows held (a sample holds fewer than the component's n units)
  const n = d > 0 ? (p.unit[0]?.length ?? 0) / d : 0;
  const k = coords.length;
  const data = p.unit.map((x) => {
    const out = new Float32Array(n * k);
    for (let r = 0; r < n; r++) for (let j = 0; j < k; j++) out[r * k + j] = x[r * d + (coords[j] as number)] as number;
    return out;
  });
  const out = prepare({ ...p.set, d: k, data }, n);
  // norms of the restricted raw rows (the fraction kept times the full norm), for effect sizes
  out.norms.forEach((nv, v) => {
    const full = p.norms[v] as Float64Array;
    for (let r = 0; r < n; r++) nv[r] = (nv[r] as number) * (full[r] as number);
  });
  return out;
}

/** Combined similarity of B unit i and A unit j from per-view cosines, and its sign for the flip views. */
function combine(kind: Combine, c: number[]): { score: number; flip: number } {
  if (kind === "abs") return { score: Math.abs(c[0] as number), flip: Math.sign(c[0] as number) || 1 };
  if (kind === "plain") return { score: c.reduce((s, x) => s + x, 0), flip: 1 };
  const rest = c.slice(1).reduce((s, x) => s + x, 0);
  return { score: (c[0] as number) + Math.abs(rest), flip: Math.sign(rest) || 1 };
}

const SIDES: Record<Combine, number> = { gated: 2, plain: 1, abs: 2 };
/** Multiply-adds above which the candidate search goes through a sketch. */
const EXACT_BUDGET = 4e8;
const SKETCH_COORDS = 256;
const SHORTLIST = 8;

export function unitTest(a: CanonicalModel, la: number, b: CanonicalModel, lb: number, kind: UnitKind, frame: Frame, cache: ComponentCache, opts: UnitTestOptions = DEFAULT_UNIT_OPTIONS): UnitTestResult | null {
  const nB = unitCount(b, lb, kind);
  const nA = unitCount(a, la, kind);
  if (nB === 0 || nA === 0) return null;
  const rng = new Rng(opts.seed ^ Math.imul(lb + 1, 0x9e3779b1) ^ (kind === "mlp" ? 0 : kind === "attn.q" ? 0x51 : 0xa7));
  const m = Math.min(nB, opts.sample);
  const sample = m === nB ? Int32Array.from({ length: nB }, (_, i) => i) : rng.permutation(nB).slice(0, m).sort();
  // a frame onto some coordinates compares there; probes compare on a sketch of wide models
  const coords = frame.coords ?? (opts.sketched === true && frame.dim > SKETCH_COORDS ? probeCoords(frame.dim) : null);
  const A = coords ? cache.sketch(a, la, kind, opts.withDown, coords) : cache.get(a, la, kind, opts.withDown);
  let B = cache.sample(b, lb, kind, sample, opts.withDown, frame);
  if (B && coords) B = restrictPrepared(B, coords);
  if (!A || !B || A.set.d !== (coords ? coords.length : frame.dim) || B.set.views.join() !== A.set.views.join()) return null;
  const core = matchUnits({ n: nA, d: A.set.d, views: A.set.views, unit: A.unit, norms: A.norms, combine: A.set.combine }, { n: m, d: B.set.d, views: B.set.views, unit: B.unit, norms: B.norms, combine: B.set.combine }, sample, rng, nB);
  return { ...core, component: `layers.${lb}.${kind}`, kind, a: la, b: lb, unitsB: nB };
}

/** Row-normalised unit vectors of one side, with their norms, ready for matching. */
export interface UnitVectors {
  n: number;
  d: number;
  views: string[];
  unit: Float32Array[];
  norms: Float64Array[];
  combine: Combine;
}

export type MatchResult = Omit<UnitTestResult, "component" | "kind" | "a" | "b" | "unitsB">;

/**
 * Match each B unit (rows of `B`, which are units `bIndex` of B) to its best A unit and run the
 * exceedance test. Both sides are in the same space (A's frame, or a shared sketch space).
 */
export function matchUnits(A: UnitVectors, B: UnitVectors, bIndex: Int32Array, rng: Rng, totalB?: number): MatchResult {
  const nA = A.n;
  const m = B.n;
  const d = A.d;
  const V = A.unit.length;
  const sample = bIndex;
  const nB = totalB ?? Math.max(...Array.from(bIndex)) + 1;

  // candidates: all A units (every cosine computed once), or a sketch shortlist
  const exact = m * nA * d * V <= EXACT_BUDGET;
  const full: Float32Array[] | null = exact ? A.unit.map((av, v) => cosines(B.unit[v] as Float32Array, m, av, nA, d)) : null;

  // null spread of each view's cosine, from random unit pairs (looked up when all cosines are at hand)
  const sigmas = A.unit.map((av, v) => {
    const fv = full?.[v];
    if (fv && fv.length <= NULL_PAIRS) return Math.max(robustScale(fv), 1 / Math.sqrt(d)); // every pair, no sampling
    const cos = fv ? (bi: number, ai: number) => fv[bi * nA + ai] as number : (bi: number, ai: number) => cosineAt(B.unit[v] as Float32Array, bi, av, ai, d);
    return nullScale(cos, m, nA, d, rng, NULL_PAIRS);
  });
  const scale = Math.sqrt(sigmas.reduce((s, x) => s + x * x, 0));

  let shortlist: number[][] | null = null;
  if (!exact) {
    const coords = rng.permutation(d).slice(0, Math.min(d, SKETCH_COORDS)).sort();
    const sa = selectColumns(A.unit[0] as Float32Array, nA, d, coords);
    const sb = selectColumns(B.unit[0] as Float32Array, m, d, coords);
    const approx = cosines(sb, m, sa, nA, coords.length);
    if (A.combine === "abs") for (let i = 0; i < approx.length; i++) approx[i] = Math.abs(approx[i] as number);
    shortlist = Array.from({ length: m }, (_, i) => topK(approx, i * nA, nA, SHORTLIST));
  }

  const units: UnitMatch[] = [];
  const flips: number[] = [];
  const how = A.combine;
  const cs = new Array<number>(V).fill(0);
  for (let i = 0; i < m; i++) {
    let best = -Infinity;
    let bestJ = 0;
    let bestFlip = 1;
    const cands = shortlist ? (shortlist[i] as number[]) : null;
    const count = cands ? cands.length : nA;
    const row = i * nA;
    for (let t = 0; t < count; t++) {
      const j = cands ? (cands[t] as number) : t;
      let score: number;
      let flip = 1;
      if (full) {
        const c0 = (full[0] as Float32Array)[row + j] as number;
        if (how === "abs") {
          score = Math.abs(c0);
          flip = c0 < 0 ? -1 : 1;
        } else {
          let rest = 0;
          for (let v = 1; v < V; v++) rest += (full[v] as Float32Array)[row + j] as number;
          if (how === "plain") score = c0 + rest;
          else {
            score = c0 + Math.abs(rest);
            flip = rest < 0 ? -1 : 1;
          }
        }
      } else {
        for (let v = 0; v < V; v++) cs[v] = cosineAt(B.unit[v] as Float32Array, i, A.unit[v] as Float32Array, j, d);
        ({ score, flip } = combine(how, cs));
      }
      if (score > best) {
        best = score;
        bestJ = j;
        bestFlip = flip;
      }
    }
    units.push({ b: sample[i] as number, a: bestJ, score: best, logP: unitLogP(best, scale, nA, SIDES[how]) });
    flips.push(bestFlip);
  }
  const ex = exceedanceTest(units);
  const perfect = how === "gated" ? V : how === "plain" ? V : 1;
  const powered = unitLogP(perfect, scale, nA, SIDES[how]) <= Math.log(UNIT_LEVEL);

  // effect sizes over the distinct matches
  const viewCos: Record<string, number> = {};
  const normRatio: Record<string, number> = {};
  const normRatioSpread: Record<string, number> = {};
  const rowOf = new Map<number, number>();
  sample.forEach((u, i) => rowOf.set(u, i));
  const matchCos = new Float64Array(ex.matches.length);
  const matchRatio = new Float64Array(ex.matches.length);
  A.views.forEach((name, v) => {
    const cs: number[] = [];
    const lr: number[] = [];
    for (const mt of ex.matches) {
      const i = rowOf.get(mt.b) as number;
      const sign = v === 0 || A.combine !== "gated" ? (A.combine === "abs" ? (flips[i] as number) : 1) : (flips[i] as number);
      cs.push(sign * cosineAt(B.unit[v] as Float32Array, i, A.unit[v] as Float32Array, mt.a, d));
      const na = (A.norms[v] as Float64Array)[mt.a] as number;
      const nb = (B.norms[v] as Float64Array)[i] as number;
      if (v === 0) {
        matchCos[cs.length - 1] = cs[cs.length - 1] as number;
        matchRatio[cs.length - 1] = na > 0 ? nb / na : 0;
      }
      if (na > 0 && nb > 0) lr.push(Math.log(nb / na));
    }
    viewCos[name] = cs.length ? cs.reduce((s, x) => s + x, 0) / cs.length : 0;
    const sorted = [...lr].sort((x, y) => x - y);
    normRatio[name] = sorted.length ? Math.exp(sorted[sorted.length >> 1] as number) : 1;
    const mean = lr.reduce((s, x) => s + x, 0) / Math.max(1, lr.length);
    normRatioSpread[name] = Math.sqrt(lr.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, lr.length));
  });
  const sameIndex = ex.matches.length ? ex.matches.filter((x) => x.a === x.b).length / ex.matches.length : 0;
  const byB = [...ex.matches].sort((x, y) => x.b - y.b);
  let steps = 0;
  let up = 0;
  for (let i = 1; i < byB.length; i++) {
    const p = byB[i - 1] as UnitMatch;
    const c = byB[i] as UnitMatch;
    if (Math.floor(p.b / Math.max(nA, 1)) !== Math.floor(c.b / Math.max(nA, 1)) && nB >= 2 * nA) continue;
    steps++;
    if (c.a > p.a) up++;
  }
  const inOrder = steps ? up / steps : 1;
  return { ...ex, unitsA: nA, viewCos, sameIndex, inOrder, powered, normRatio, normRatioSpread, scale, matchCos, matchRatio };
}
