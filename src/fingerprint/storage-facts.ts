/**
 * @module fingerprint/storage-facts
 * What a comparison through fingerprints can say about storage and small changes. Fingerprint rows
 * are int8 sketches, so the views compared are float32 whatever the files held, and changes below
 * the sketches' resolution cannot be told from none. The files' own storage types (kept in the
 * summary) say whether a side is quantized; a change within what that type's quantization gives
 * (and the sketches resolve) is described as such, and one beyond it as a change hidden under the
 * quantization (verdict/transforms/change.ts: the same rule `compare` applies).
 */
import { CHANGE_KINDS, quantizedChange, sameWeights } from "../verdict/transforms/change.js";
import { layerTransforms } from "../verdict/transforms/structure.js";
import type { HyperParams } from "../model/hyper-params.js";
import type { LayerLink, Transform } from "../verdict/result.js";
import { sketchNoise } from "./sketch.js";
import type { Fingerprint } from "./types.js";

/** Median relative resolution of a fingerprint's unit rows. */
export function fingerprintNoise(fp: Fingerprint): number {
  const all: number[] = [];
  for (const lp of fp.layers) for (const s of lp.mlp?.rows ?? []) all.push(sketchNoise(s));
  all.sort((a, b) => a - b);
  return all.length ? (all[all.length >> 1] as number) : 0;
}

export interface StorageSides {
  quantA: string | null;
  quantB: string | null;
  /** Relative resolution of the compared rows (sketch noise of both sides, in quadrature). */
  noise: number;
}

export function withStorageFacts(transforms: Transform[], s: StorageSides): Transform[] {
  const out = transforms.filter((t) => t.kind !== "quantized");
  const change = out.find((t) => CHANGE_KINDS.has(t.kind));
  const rel = typeof change?.values?.relativeChange === "number" ? change.values.relativeChange : null;
  const rest = out.filter((t) => !CHANGE_KINDS.has(t.kind));
  const quant: Transform[] = [];
  if (s.quantB && s.quantB !== s.quantA) quant.push({ kind: "quantized", detail: `B stored as ${s.quantB}`, values: { type: s.quantB } });
  if (s.quantA && s.quantA !== s.quantB) quant.push({ kind: "quantized", detail: `A stored as ${s.quantA}: A may be the quantized copy`, values: { type: s.quantA, side: "a" } });
  if (!change) return [...rest, ...quant];
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  // the fingerprints' floor: int8 sketch rounding of both sides, with room for the frame fitted on them
  const floor = 3 * s.noise;
  const done = [...rest, ...quant];
  const types = [s.quantA, s.quantB].filter((t): t is string => t !== null);
  let described: Transform = change;
  if (rel === null) described = change;
  else if (types.length) described = quantizedChange(change, rel, types, floor, done);
  else if (rel <= floor) described = sameWeights(done, `identical within the fingerprints' resolution (${pct(rel)} relative, resolution ${pct(s.noise)})`, change.values);
  else if (change.kind === "identical" || change.kind === "no-other-change") described = sameWeights(done, change.detail, change.values);
  return [...done, described];
}

/** Transforms that depend on which side is which, or on unit counts a fingerprint's kept units do not show. */
const ORIENTED = new Set(["layers-stacked", "layers-dropped", "layers-reordered", "partial", "pruned", "upcycled", "vocab-extended", "vocab-trimmed", "component-reuse"]);

/**
 * Structure from what fingerprints do know: the layer map (A's layers for B's) and both models'
 * shapes, replacing what was read off kept units (their counts are the fingerprint's, not the model's).
 */
export function withStructureFacts(transforms: Transform[], layerMap: readonly LayerLink[], pa: HyperParams, pb: HyperParams): Transform[] {
  if (transforms.length === 0) return transforms;
  const out = [...transforms.filter((t) => !ORIENTED.has(t.kind)), ...layerTransforms(layerMap, pa.nLayers, pb.nLayers)];
  if (pa.nExperts === 0 && pb.nExperts === 0 && pb.ffn < 0.98 * pa.ffn) out.push({ kind: "pruned", detail: `MLP width ${pa.ffn} -> ${pb.ffn}`, values: { kept: pb.ffn / pa.ffn } });
  if (pb.nExperts > 0 && pa.nExperts === 0) out.push({ kind: "upcycled", detail: `dense MLPs of A in ${pb.nExperts} experts per layer of B` });
  if (pb.vocab > pa.vocab) out.push({ kind: "vocab-extended", detail: `vocabulary ${pa.vocab} -> ${pb.vocab} tokens`, values: { added: pb.vocab - pa.vocab } });
  if (pb.vocab < pa.vocab) out.push({ kind: "vocab-trimmed", detail: `vocabulary ${pa.vocab} -> ${pb.vocab} tokens`, values: { removed: pa.vocab - pb.vocab } });
  return out;
}
