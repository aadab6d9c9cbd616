/**
 * @module evidence/transforms/describe
 * What was done to A to make B, read off the evidence: format and storage changes, quantization,
 * obfuscations (permuted, rotated, rescaled units), structural edits (layers dropped, stacked,
 * reordered; MLP units pruned; vocabulary extended or trimmed; MoE upcycling; partial reuse), and
 * the size and shape of the weight change (fine-tuning, LoRA, noise). And, separately, which of two
 * models is more likely the parent.
 */
import type { CanonicalModel } from "../../model/canonical.js";
import type { CompareResult, DirectionEstimate, Transform } from "../../verdict/result.js";
import type { Frame } from "../frame.js";
import type { UnitTestResult } from "../unit-test.js";
import { deltaShape } from "./delta.js";
import { mergeWeights } from "./merge-weights.js";
import { gridType, storedTypes } from "./quantization.js";
import { layerTransforms } from "./structure.js";

/** What the float32 least-squares frame of wide models leaves on identical weights (~1e-5 measured). */
const FITTED_FRAME_ERROR = 1e-4;

const pct = (x: number) => `${(100 * x).toFixed(x < 0.01 ? 2 : 1)}%`;

function median(v: number[]): number {
  const s = [...v].sort((x, y) => x - y);
  return s.length ? (s[s.length >> 1] as number) : NaN;
}

/** Relative change per matched unit from its cosine and norm ratio: ||b - a|| / ||a||. */
function unitChanges(units: UnitTestResult[]): number[] {
  const out: number[] = [];
  for (const r of units) {
    for (let i = 0; i < r.matchCos.length; i++) {
      const c = r.matchCos[i] as number;
      const q = r.matchRatio[i] as number;
      out.push(Math.sqrt(Math.max(0, q * q + 1 - 2 * q * c)));
    }
  }
  return out;
}

function quantLabel(m: CanonicalModel): { type: string; how: string } | null {
  const st = storedTypes(m);
  if (st.quantized) return { type: st.quantized, how: "stored" };
  const grid = gridType(m);
  return grid ? { type: grid.type, how: `values on the ${grid.type} grid (round-trip error ${grid.ratio.toFixed(3)} of off-grid)` } : null;
}

/** RMS relative rounding error of a model's dominant float storage type. */
function storageRounding(m: CanonicalModel): number {
  const t = m.tensors.get("layers.0.mlp.gate") ?? m.tensors.get("layers.0.attn.q");
  const eps: Record<string, number> = { F32: 2 ** -24, F16: 2 ** -11, BF16: 2 ** -8 };
  return (eps[t?.dtype ?? "F32"] ?? 2 ** -8) * 0.6;
}

/** Stable-rank fraction an i.i.d. Gaussian matrix of Δ's shape has (Marchenko-Pastur edge). */
function marchenkoPastur(s: { fullRank: number; rows: number; cols: number }): number {
  return (s.rows * s.cols) / (Math.sqrt(s.rows) + Math.sqrt(s.cols)) ** 2 / s.fullRank;
}

export function describeTransforms(a: CanonicalModel, b: CanonicalModel, r: CompareResult, frame: Frame, units: UnitTestResult[], parents: CanonicalModel[]): Transform[] {
  const out: Transform[] = [];
  const shared = units.filter((u) => u.logP <= Math.log(1e-6));
  const mapped = r.layerMap.filter((l) => l.a !== null);

  // containers and storage
  if (a.format !== b.format) out.push({ kind: "converted", detail: `format ${a.format} -> ${b.format}` });
  const qa = quantLabel(a);
  const qb = quantLabel(b);
  if (qb && (!qa || qa.type !== qb.type)) out.push({ kind: "quantized", detail: `B quantized to ${qb.type} (${qb.how})`, values: { type: qb.type } });
  if (qa && (!qb || qa.type !== qb.type)) out.push({ kind: "quantized", detail: `A quantized to ${qa.type} (${qa.how}): A may be the quantized copy`, values: { type: qa.type, side: "a" } });

  // obfuscations
  if (frame.dimB !== undefined) out.push(...residualPrune(frame));
  else if (frame.kind === "signed-permutation") out.push({ kind: "permuted", detail: `residual stream permuted (${Math.round(frame.support * frame.dim)}/${frame.dim} dimensions matched, with sign flips where needed)` });
  if (frame.kind === "rotation") out.push({ kind: "rotated", detail: "residual stream rotated by an orthogonal matrix (norm gains folded into the matrices)" });
  const inOrder = median(shared.map((u) => u.inOrder));
  if (shared.length && inOrder < 0.9) out.push({ kind: "permuted", detail: `MLP units permuted (unit order kept for ${pct(inOrder)} of neighbouring matches)`, values: { inOrder } });
  const upSpread = median(shared.map((u) => u.normRatioSpread.up ?? 0));
  const gateSpread = median(shared.map((u) => u.normRatioSpread.gate ?? u.normRatioSpread.up ?? 0));
  if (shared.length && upSpread > 0.1 && upSpread > 3 * gateSpread) out.push({ kind: "scaled", detail: `MLP units rescaled (up/down norm ratios vary ${upSpread.toFixed(2)} in log, gate ${gateSpread.toFixed(2)})` });

  // structure
  out.push(...layerTransforms(r.layerMap, a.params.nLayers, b.params.nLayers));
  const embed = r.components.find((c) => c.component === "embed");
  if (!mapped.length && embed?.status === "shared") out.push({ kind: "component-reuse", detail: "embeddings (and head) reused; every layer independent" });
  const ratios = shared.map((u) => u.unitsB / u.unitsA);
  if (shared.length && median(ratios) < 0.98 && b.params.nExperts === 0) out.push({ kind: "pruned", detail: `MLP units pruned: B keeps ${pct(median(ratios))} of A's units`, values: { kept: median(ratios) } });
  const [ha, hb] = [a.params.nHeads, b.params.nHeads];
  if (shared.length && ha > 0 && hb > 0 && ha !== hb) out.push({ kind: "pruned", detail: hb < ha ? `attention heads pruned: B keeps ${hb} of A's ${ha}` : `attention heads pruned: A keeps ${ha} of B's ${hb}: A may be the pruned copy`, values: { keptHeads: Math.min(ha, hb) / Math.max(ha, hb), ...(hb < ha ? {} : { side: "a" }) } });
  if (b.params.nExperts > 0 && a.params.nExperts === 0 && shared.length) out.push({ kind: "upcycled", detail: `dense MLPs of A copied into ${b.params.nExperts} experts per layer of B` });
  if (r.tokens && r.tokens.method === "strings") {
    const { vocabA, added, removed } = r.tokens;
    if (added > 0) out.push({ kind: "vocab-extended", detail: `B adds ${added} tokens (${vocabA - removed} of A's ${vocabA} kept)`, values: { added } });
    if (removed > 0) out.push({ kind: "vocab-trimmed", detail: `B lacks ${removed} of A's ${vocabA} tokens`, values: { removed } });
  }

  // size and shape of the change
  const changes = unitChanges(shared);
  const rel = median(changes);
  if (changes.length) {
    const best = shared.reduce((p, u) => (u.matched > p.matched ? u : p), shared[0] as UnitTestResult);
    const shape = deltaShape(a, b, best, frame);
    const values: Record<string, number | string> = { relativeChange: rel };
    if (shape) Object.assign(values, { rank90: shape.rank90, fullRank: shape.fullRank, stableFraction: shape.stableFraction, kurtosis: shape.kurtosis, spreadRatio: shape.spreadRatio });
    const rounding = Math.max(storageRounding(a), storageRounding(b));
    if (rel < 1e-6 || (shape && shape.relative < 1e-6)) out.push({ kind: "identical", detail: "the compared weights are identical", values });
    else if (rel <= 3 * rounding && !qa && !qb) out.push({ kind: "identical", detail: `identical up to storage rounding (${pct(rel)} relative, ${a.tensors.get("layers.0.mlp.gate")?.dtype ?? "?"} vs ${b.tensors.get("layers.0.mlp.gate")?.dtype ?? "?"})`, values });
    else if (frame.coords && rel <= FITTED_FRAME_ERROR && !qa && !qb) out.push({ kind: "identical", detail: `identical up to the error of the fitted frame (${pct(rel)} relative)`, values });
    else if (qb || qa) out.push({ kind: "weights-changed", detail: `weights differ by ${pct(rel)} (consistent with quantization error)`, values });
    else if (shape && shape.rank90 <= Math.max(8, 0.06 * shape.fullRank)) out.push({ kind: "low-rank-update", detail: `low-rank change (LoRA-like): 90% of it in ${shape.rank90} of ${shape.fullRank} directions, ${pct(rel)} relative`, values });
    else if (shape && shape.stableFraction >= 0.8 * marchenkoPastur(shape) && Math.abs(shape.kurtosis) < 0.25) out.push({ kind: "noise", detail: `i.i.d.-looking noise of ${pct(shape.spreadRatio)} of the weights' spread (full-rank, Gaussian)`, values });
    else out.push({ kind: "fine-tuned", detail: `dense change of ${pct(rel)} relative${shape ? `, effective rank ${shape.rank90}/${shape.fullRank}` : ""}`, values });
  }
  const fit = mergeWeights(b, parents);
  if (fit) out.push({ kind: "merged", detail: `B ≈ ${fit.weights.map((w, i) => `${w.toFixed(3)}·parent${i + 1}`).join(" + ")} (R² ${fit.r2.toFixed(4)} over ${fit.tensors} tensors)`, values: { r2: fit.r2, ...Object.fromEntries(fit.weights.map((w, i) => [`w${i + 1}`, w])) } });
  return out;
}

/**
 * Residual-width pruning read off a partial frame: which side keeps a subset of the other's residual
 * dimensions, and whether the kept ones were also reordered (a map that is not increasing).
 */
function residualPrune(frame: Frame): Transform[] {
  const perm = Array.from(frame.perm ?? []).map((a, b) => ({ a, b })).filter((x) => x.a >= 0);
  const dB = frame.dimB ?? frame.dim;
  const out: Transform[] = [];
  const narrowB = dB < frame.dim;
  const kept = narrowB ? dB / frame.dim : frame.dim / dB;
  const placed = frame.kind === "rotation" ? `compared on ${frame.coords?.length ?? 0} of A's coordinates` : `${perm.length} placed`;
  out.push({ kind: "pruned", detail: narrowB ? `residual width pruned: B keeps ${dB} of A's ${frame.dim} residual dimensions (${placed})` : `residual width pruned: A keeps ${frame.dim} of B's ${dB} residual dimensions (${placed}): A may be the pruned copy`, values: { keptHidden: kept, ...(narrowB ? {} : { side: "a" }) } });
  if (frame.kind === "rotation") return out;
  let up = 0;
  for (let i = 1; i < perm.length; i++) if ((perm[i] as { a: number }).a > (perm[i - 1] as { a: number }).a) up++;
  const flips = Array.from(frame.sign ?? []).filter((s, i) => s < 0 && (frame.perm?.[i] ?? -1) >= 0).length;
  if (perm.length > 1 && up < 0.9 * (perm.length - 1)) out.push({ kind: "permuted", detail: `residual stream permuted as well (order kept for ${pct(up / (perm.length - 1))} of neighbouring dimensions)` });
  else if (flips > 0.1 * perm.length) out.push({ kind: "permuted", detail: `residual dimensions sign-flipped (${flips} of ${perm.length})` });
  return out;
}

export function estimateDirection(a: CanonicalModel, b: CanonicalModel, r: CompareResult): DirectionEstimate {
  const reasons: string[] = [];
  const has = (k: string) => r.transforms.find((t) => t.kind === k);
  const q = r.transforms.filter((t) => t.kind === "quantized");
  if (q.length === 1) {
    const side = q[0]?.values?.side === "a" ? "b" : "a";
    return { parent: side, confidence: "high", reasons: [`the ${side === "a" ? "B" : "A"} copy is quantized; quantized copies are made from unquantized ones`] };
  }
  if (has("layers-stacked")) return { parent: "a", confidence: "high", reasons: ["B repeats layers of A (depth up-scaling)"] };
  if (has("upcycled")) return { parent: "a", confidence: "high", reasons: ["B's experts are copies of A's dense MLPs"] };
  const hidden = r.transforms.find((t) => t.kind === "pruned" && typeof t.values?.keptHidden === "number");
  if (hidden) return hidden.values?.side === "a" ? { parent: "b", confidence: "high", reasons: ["A keeps a subset of B's residual dimensions"] } : { parent: "a", confidence: "high", reasons: ["B keeps a subset of A's residual dimensions"] };
  if (r.transforms.some((t) => t.kind === "pruned" && typeof t.values?.kept === "number")) return { parent: "a", confidence: "high", reasons: ["B keeps a subset of A's MLP units"] };
  const heads = r.transforms.find((t) => t.kind === "pruned" && typeof t.values?.keptHeads === "number");
  if (heads) return heads.values?.side === "a" ? { parent: "b", confidence: "high", reasons: ["A keeps a subset of B's attention heads"] } : { parent: "a", confidence: "high", reasons: ["B keeps a subset of A's attention heads"] };
  if (has("layers-dropped") && !has("partial")) return { parent: "a", confidence: "medium", reasons: ["B keeps a subset of A's layers"] };
  if (has("rotated")) {
    const folded = (m: CanonicalModel) => [...m.tensors.values()].filter((t) => t.role.endsWith("norm") && t.shape.length === 1).every((t) => t.read().every((x) => x === 1));
    if (folded(b) && !folded(a)) return { parent: "a", confidence: "medium", reasons: ["B's norm gains are all exactly 1: they were folded into its matrices"] };
    if (folded(a) && !folded(b)) return { parent: "b", confidence: "medium", reasons: ["A's norm gains are all exactly 1: they were folded into its matrices"] };
  }
  const ext = has("vocab-extended");
  const trim = has("vocab-trimmed");
  if (ext && !trim) reasons.push("B has more tokens than A");
  if (trim && !ext) reasons.push("B has fewer tokens than A");
  if (has("partial") || has("component-reuse")) reasons.push("B reuses only part of A");
  if (reasons.length) return { parent: "a", confidence: "low", reasons };
  void a;
  void b;
  return { parent: "unknown", confidence: "low", reasons: ["same shape, no structural or quantization cue: weight evidence does not tell which came first"] };
}
