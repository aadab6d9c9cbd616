/**
 * @module forge/steps/merge
 * `merge:<method>=<path>[+<path>...][@w+w...]`: merge the model with others of the same shape, as
 * mergekit does, tensor by tensor:
 *  - linear: Σ w_i θ_i over this model and each path (weights normalised to sum 1; equal by
 *    default). Streams: the others' rows are read at the same offsets.
 *  - slerp: spherical interpolation with one other model, t = its share (0.5), per tensor
 *    (lerp when nearly parallel). Holds this model's tensor.
 *  - ties: TIES-merging with this model as the base: each other model's task vector θ_i − θ_base
 *    trimmed to its largest 50 % by magnitude, a sign elected by the weighted sum, agreeing
 *    entries averaged, added to the base (weights λ_i, 1 by default). Holds the task vectors of
 *    one tensor.
 */
import { UsageError } from "../../errors.js";
import type { CanonicalModel } from "../../model/canonical.js";
import type { DraftTensor } from "../../model/draft.js";
import { dims, mapChunks, mapWhole } from "../tensor-ops.js";
import type { MergeMethod, StepFn } from "../types.js";

export const TIES_DENSITY = 0.5;

function rowsOf(m: CanonicalModel, key: string, r0: number, n: number): Float32Array {
  const t = m.tensors.get(key);
  if (!t) throw new UsageError(`merge: ${m.path} has no tensor ${key}`);
  if (t.shape.length === 1) return t.read();
  return t.readRows(r0, n);
}

function linear(t: DraftTensor, others: CanonicalModel[], w: number[]): DraftTensor {
  return mapChunks(t, (c, row0, cols) => {
    const n = c.length / cols;
    const out = new Float32Array(c.length);
    const w0 = w[0] as number;
    for (let i = 0; i < c.length; i++) out[i] = w0 * (c[i] as number);
    others.forEach((m, j) => {
      const o = rowsOf(m, t.key, row0, n);
      const wj = w[j + 1] as number;
      for (let i = 0; i < c.length; i++) out[i] = (out[i] as number) + wj * (o[i] as number);
    });
    return out;
  });
}

function slerp(t: DraftTensor, other: CanonicalModel, share: number): DraftTensor {
  const { rows, cols } = dims(t.shape);
  return mapWhole(t, (a) => {
    let aa = 0;
    let bb = 0;
    let ab = 0;
    const per = Math.max(1, Math.floor((1 << 20) / cols));
    for (let r = 0; r < rows; r += per) {
      const n = Math.min(per, rows - r);
      const b = rowsOf(other, t.key, r, n);
      for (let i = 0; i < b.length; i++) {
        const x = a[r * cols + i] as number;
        const y = b[i] as number;
        aa += x * x;
        bb += y * y;
        ab += x * y;
      }
    }
    const dot = aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 1;
    let s0 = 1 - share;
    let s1 = share;
    if (Math.abs(dot) < 0.9995) {
      const theta0 = Math.acos(Math.max(-1, Math.min(1, dot)));
      const sin0 = Math.sin(theta0);
      s0 = Math.sin((1 - share) * theta0) / sin0;
      s1 = Math.sin(share * theta0) / sin0;
    }
    return (r0, n) => {
      const b = rowsOf(other, t.key, r0, n);
      const out = new Float32Array(n * cols);
      for (let i = 0; i < out.length; i++) out[i] = s0 * (a[r0 * cols + i] as number) + s1 * (b[i] as number);
      return out;
    };
  });
}

function ties(t: DraftTensor, others: CanonicalModel[], lambda: number[]): DraftTensor {
  const { rows, cols } = dims(t.shape);
  return mapWhole(t, (base) => {
    const merged = new Float32Array(base.length);
    const taus = others.map((m) => {
      const o = rowsOf(m, t.key, 0, rows);
      const tau = new Float32Array(base.length);
      for (let i = 0; i < tau.length; i++) tau[i] = (o[i] as number) - (base[i] as number);
      // keep the largest TIES_DENSITY share by magnitude
      const mags = Float32Array.from(tau, Math.abs).sort();
      const cut = mags[Math.min(mags.length - 1, Math.floor((1 - TIES_DENSITY) * mags.length))] as number;
      for (let i = 0; i < tau.length; i++) if (Math.abs(tau[i] as number) < cut) tau[i] = 0;
      return tau;
    });
    for (let i = 0; i < base.length; i++) {
      let s = 0;
      taus.forEach((tau, j) => (s += (lambda[j] as number) * (tau[i] as number)));
      const sign = Math.sign(s);
      let num = 0;
      let den = 0;
      taus.forEach((tau, j) => {
        const v = tau[i] as number;
        if (v !== 0 && Math.sign(v) === sign) {
          num += (lambda[j] as number) * v;
          den += lambda[j] as number;
        }
      });
      merged[i] = (base[i] as number) + (den > 0 ? num / den : 0);
    }
    return (r0, n) => merged.subarray(r0 * cols, (r0 + n) * cols);
  });
}

export const merge: StepFn<{ name: "merge"; method: MergeMethod; paths: string[]; weights?: number[] }> = (draft, spec, _rng, ctx) => {
  const opened = spec.paths.map((p) => ctx.open(p, "merge"));
  for (const [j, o] of opened.entries()) {
    const path = spec.paths[j] as string;
    const m = o.model;
    const problems: string[] = [];
    for (const t of draft.tensors) {
      const u = m.tensors.get(t.key);
      if (!u) problems.push(`no ${t.key}`);
      else if (u.shape.join("x") !== t.shape.join("x")) problems.push(`${t.key} is [${u.shape.join(", ")}], not [${t.shape.join(", ")}]`);
    }
    const mine = new Set(draft.tensors.map((t) => t.key));
    for (const k of m.tensors.keys()) if (!mine.has(k)) problems.push(`extra tensor ${k}`);
    if (problems.length) {
      throw new UsageError(`merge:${spec.method}: ${path} does not have this model's shape (${problems.length} difference${problems.length > 1 ? "s" : ""}: ${problems.slice(0, 3).join("; ")}${problems.length > 3 ? "; ..." : ""})`);
    }
  }
  const models = opened.map((o) => o.model);
  let tensors: DraftTensor[];
  let selfWeight: number;
  let weights: number[];
  let record: Record<string, unknown>;
  if (spec.method === "linear") {
    const raw = spec.weights ?? new Array<number>(models.length + 1).fill(1);
    const sum = raw.reduce((a, b) => a + b, 0);
    const w = raw.map((x) => x / sum);
    tensors = draft.tensors.map((t) => linear(t, models, w));
    selfWeight = w[0] as number;
    weights = w.slice(1);
    record = { method: "linear", weights: w, normalised: true };
  } else if (spec.method === "slerp") {
    const w = spec.weights;
    const share = !w ? 0.5 : w.length === 1 ? (w[0] as number) : (w[1] as number) / ((w[0] as number) + (w[1] as number));
    if (!(share >= 0 && share <= 1)) throw new UsageError(`merge:slerp: t must be between 0 and 1 (got ${share})`);
    tensors = draft.tensors.map((t) => slerp(t, models[0] as CanonicalModel, share));
    selfWeight = 1 - share;
    weights = [share];
    record = { method: "slerp", t: share, perTensor: true };
  } else {
    const lambda = spec.weights ?? new Array<number>(models.length).fill(1);
    tensors = draft.tensors.map((t) => ties(t, models, lambda));
    selfWeight = 1;
    weights = lambda;
    record = { method: "ties", base: "this model", density: TIES_DENSITY, weights: lambda };
  }
  const tokenDiffs = opened.map((o) => (draft.tokens && o.model.tokens ? draft.tokens.tokens.filter((t, i) => o.model.tokens?.tokens[i] !== t).length : 0));
  if (tokenDiffs.some((d) => d > 0)) record.note = "some merged models have other token strings; the output keeps this model's vocabulary";
  return {
    draft: { ...draft, tensors },
    truth: { relation: "merge", components: { kind: "merge", selfWeight, parents: opened.map((o, j) => ({ parent: o.index, weight: weights[j] as number })) }, record: { ...record, with: spec.paths } },
  };
};
