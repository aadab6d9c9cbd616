/**
 * @module fingerprint/storage-facts
 * What a comparison through fingerprints can say about storage and small changes. Fingerprint rows
 * are int8 sketches, so the views compared are float32 whatever the files held, and changes below
 * the sketches' resolution cannot be told from none. The files' own storage types (kept in the
 * summary) say whether a side is quantized; a change within quantization or sketch resolution is
 * described as such, never as a fine-tune.
 */
import type { Transform } from "../verdict/result.js";
import { sketchNoise } from "./sketch.js";
import type { Fingerprint } from "./types.js";

const CHANGE_KINDS = new Set(["identical", "fine-tuned", "noise", "low-rank-update", "weights-changed"]);

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
  let described: Transform = change;
  if (quant.length) described = { kind: "weights-changed", detail: `weights differ by ${rel === null ? "?" : pct(rel)} (quantization error, perhaps with a fine-tune)`, values: change.values };
  else if (rel !== null && rel <= 3 * s.noise) described = { kind: "identical", detail: `identical within the fingerprints' resolution (${pct(rel)} relative, resolution ${pct(s.noise)})`, values: change.values };
  return [...rest, ...quant, described];
}
