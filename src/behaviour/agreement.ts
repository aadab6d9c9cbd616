/**
 * @module behaviour/agreement
 * How much a model reproduces A's idiosyncrasies, probe text by probe text.
 *
 * At position i of a probe, take A's top tokens T_i and every model's log-probabilities on them. With
 * a reference set R of other models, A's idiosyncrasy is dA(t) = log pA(t) - mean_{Y in R} log pY(t)
 * and X's is dX(t) = log pX(t) - mean_R log pY(t) (both centred over T_i with those weights, since log-probabilities on a
 * subset carry an arbitrary offset). X's agreement with A on a probe text is the correlation of dA and
 * dX over all (position, token) pairs of the text, each pair weighted by A's probability of the token
 * (renormalised over T_i). For X in the pool {B, C1..Ck}, R is the pool
 * without X (leave one out), so the pool's members are treated symmetrically: if they are exchangeable,
 * so are their agreements.
 */
import { logProbOf, type BehaviourRecord, type ProbeRecord } from "./record.js";

/** A's most likely tokens compared at each position. */
export const COMPARED_TOKENS = 16;

export interface PositionLogProbs {
  /** Probe text index. */
  probe: number;
  /** Position within the text (the prediction after tokens[0..pos]). */
  pos: number;
  /** The compared tokens (A's top ones). */
  tokens: Int32Array;
  /** log pA on them. */
  a: Float64Array;
  /** [model][token] log-probabilities of each pool member. */
  pool: Float64Array[];
}

/** Common positions of A and the pool, with every model's log-probabilities on A's top tokens. */
export function alignedPositions(a: BehaviourRecord, pool: BehaviourRecord[], compared = COMPARED_TOKENS): PositionLogProbs[][] {
  const m = Math.min(compared, a.k);
  return a.probes.map((pa, b) => {
    const others = pool.map((r) => r.probes[b] as ProbeRecord);
    let P = pa.tokens.length;
    for (const o of others) P = Math.min(P, o.tokens.length);
    const out: PositionLogProbs[] = [];
    for (let i = 0; i < P; i++) {
      const tokens = pa.ids.slice(i * a.k, i * a.k + m);
      const av = new Float64Array(m);
      for (let j = 0; j < m; j++) av[j] = pa.logp[i * a.k + j] as number;
      const lp = others.map((o, x) => {
        const v = new Float64Array(m);
        const k = (pool[x] as BehaviourRecord).k;
        for (let j = 0; j < m; j++) v[j] = logProbOf(o, k, i, tokens[j] as number);
        return v;
      });
      out.push({ probe: b, pos: i, tokens, a: av, pool: lp });
    }
    return out;
  });
}

/** A's probabilities on the compared tokens, renormalised: distillation copies A where A puts its mass. */
function weights(la: Float64Array): Float64Array {
  const w = new Float64Array(la.length);
  let s = 0;
  for (let j = 0; j < la.length; j++) {
    w[j] = Math.exp(la[j] as number);
    s += w[j] as number;
  }
  for (let j = 0; j < la.length; j++) w[j] = (w[j] as number) / s;
  return w;
}
/** Centre v in place (weighted mean). */
function centreW(v: Float64Array, w: Float64Array): void {
  let s = 0;
  for (let j = 0; j < v.length; j++) s += (v[j] as number) * (w[j] as number);
  for (let j = 0; j < v.length; j++) v[j] = (v[j] as number) - s;
}

export interface Agreement {
  /** Per pool member, per probe text: the correlation of its idiosyncrasy with A's. */
  byProbe: number[][];
  /** Per pool member, per probe text, per position: the position's share of the numerator (for reporting). */
  byPosition: number[][][];
}

/** Leave-one-out agreement of every pool member with A, probe text by probe text. */
export function agreement(positions: PositionLogProbs[][], poolSize: number): Agreement {
  const byProbe: number[][] = Array.from({ length: poolSize }, () => []);
  const byPosition: number[][][] = Array.from({ length: poolSize }, () => []);
  for (const block of positions) {
    for (let x = 0; x < poolSize; x++) {
      let sab = 0;
      let saa = 0;
      let sbb = 0;
      const contrib: number[] = [];
      for (const p of block) {
        const m = p.a.length;
        const ref = new Float64Array(m);
        for (let y = 0; y < poolSize; y++) {
          if (y === x) continue;
          const v = p.pool[y] as Float64Array;
          for (let j = 0; j < m; j++) ref[j] = (ref[j] as number) + (v[j] as number) / (poolSize - 1);
        }
        const da = new Float64Array(m);
        const dx = new Float64Array(m);
        const vx = p.pool[x] as Float64Array;
        for (let j = 0; j < m; j++) {
          da[j] = (p.a[j] as number) - (ref[j] as number);
          dx[j] = (vx[j] as number) - (ref[j] as number);
        }
        const w = weights(p.a);
        centreW(da, w);
        centreW(dx, w);
        let c = 0;
        for (let j = 0; j < m; j++) {
          c += (w[j] as number) * (da[j] as number) * (dx[j] as number);
          saa += (w[j] as number) * (da[j] as number) ** 2;
          sbb += (w[j] as number) * (dx[j] as number) ** 2;
        }
        sab += c;
        contrib.push(c);
      }
      const den = Math.sqrt(saa * sbb);
      (byProbe[x] as number[]).push(den > 0 ? sab / den : 0);
      (byPosition[x] as number[][]).push(contrib.map((c) => (den > 0 ? c / den : 0)));
    }
  }
  return { byProbe, byPosition };
}

/**
 * Mean squared difference of two pool members' centred log-probabilities on A's top tokens, weighted
 * by A's probabilities, over all positions: how differently the two behave where A has a view.
 * Symmetric in the pool and blind to A's own log-probabilities.
 */
export function poolDistances(positions: PositionLogProbs[][], poolSize: number): number[][] {
  const d = Array.from({ length: poolSize }, () => new Array<number>(poolSize).fill(0));
  let n = 0;
  for (const block of positions) {
    for (const p of block) {
      const w = weights(p.a);
      const c = p.pool.map((v) => {
        const u = Float64Array.from(v);
        centreW(u, w);
        return u;
      });
      for (let x = 0; x < poolSize; x++) {
        for (let y = x + 1; y < poolSize; y++) {
          let s = 0;
          const u = c[x] as Float64Array;
          const v = c[y] as Float64Array;
          for (let j = 0; j < u.length; j++) s += (w[j] as number) * ((u[j] as number) - (v[j] as number)) ** 2;
          (d[x] as number[])[y] = ((d[x] as number[])[y] as number) + s;
        }
      }
      n++;
    }
  }
  for (let x = 0; x < poolSize; x++) {
    for (let y = x + 1; y < poolSize; y++) {
      const v = ((d[x] as number[])[y] as number) / Math.max(1, n);
      (d[x] as number[])[y] = v;
      (d[y] as number[])[x] = v;
    }
  }
  return d;
}
