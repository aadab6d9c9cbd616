/** Independently synthesized model pairs of equal shape: the null, for calibration tests and benchmarks. */
import { compareModels } from "../compare.js";
import { compareFingerprints, compareFingerprintToModel } from "../fingerprint/compare-fp.js";
import { computeFingerprint } from "../fingerprint/compute.js";
import { forgeInMemory } from "../forge/forge.js";
import { synthesize, type SynthesizeSpec } from "../forge/synthesize.js";
import { materialize } from "../model/materialize.js";

export const SHAPES: Array<Omit<SynthesizeSpec, "seed">> = [
  { family: "llama", dim: 64, layers: 2, ffn: 128, heads: 4, kvHeads: 2, vocab: 96 },
  { family: "llama", dim: 96, layers: 2, ffn: 192, heads: 4, kvHeads: 4, vocab: 64 },
];

/** `rotationCoords`: estimate rotations by the wide-model path onto that many coordinates (see compare). */
export function nullPValues(pairs: number, rotationCoords?: number): Array<{ log10p: number; verdict: string }> {
  const out: Array<{ log10p: number; verdict: string }> = [];
  for (let i = 0; i < pairs; i++) {
    const shape = SHAPES[i % SHAPES.length] as Omit<SynthesizeSpec, "seed">;
    const a = materialize(synthesize({ ...shape, seed: 1000 + 2 * i }));
    const b = materialize(synthesize({ ...shape, seed: 1001 + 2 * i }));
    const r = compareModels(a, b, rotationCoords ? { rotationCoords } : {});
    out.push({ log10p: r.logP / Math.LN10, verdict: r.verdict });
  }
  return out;
}


/** Shapes with vocabularies large enough for anchor descriptors (descriptors.ts). */
export const DESCRIPTOR_SHAPES: Array<Omit<SynthesizeSpec, "seed">> = [
  { family: "llama", dim: 64, layers: 2, ffn: 192, heads: 4, kvHeads: 2, vocab: 400 },
  { family: "llama", dim: 96, layers: 3, ffn: 256, heads: 4, kvHeads: 4, vocab: 512 },
];

export interface FingerprintNull {
  /** Fingerprint against fingerprint. */
  fp: { log10p: number; verdict: string };
  /** Registered fingerprint against the other model's weights. */
  weights: { log10p: number; verdict: string };
}

/**
 * Independent pairs through the registry's routes: A's fingerprint against B's fingerprint, and
 * against B's weights. `space` forces the fingerprints' row space ("anchors": the frame-free
 * descriptors wide models use, here on narrow models so that hundreds of pairs run in minutes).
 */
export function nullFingerprintPValues(pairs: number, space?: "rows" | "anchors"): FingerprintNull[] {
  const out: FingerprintNull[] = [];
  const shapes = space === "anchors" ? DESCRIPTOR_SHAPES : SHAPES;
  for (let i = 0; i < pairs; i++) {
    const shape = shapes[i % shapes.length] as Omit<SynthesizeSpec, "seed">;
    const a = materialize(synthesize({ ...shape, seed: 5000 + 2 * i }));
    const b = materialize(synthesize({ ...shape, seed: 5001 + 2 * i }));
    const fa = computeFingerprint(a, { space });
    const fb = computeFingerprint(b, { space });
    const r1 = compareFingerprints(fa, fb);
    const r2 = compareFingerprintToModel(fa, b);
    out.push({ fp: { log10p: r1.logP / Math.LN10, verdict: r1.verdict }, weights: { log10p: r2.logP / Math.LN10, verdict: r2.verdict } });
  }
  return out;
}

/** Shapes of other widths for the different-width null (same vocabulary, so tokens pair by string). */
export const OTHER_WIDTHS: Array<Omit<SynthesizeSpec, "seed">> = [
  { family: "llama", dim: 64, layers: 2, ffn: 128, heads: 4, kvHeads: 2, vocab: 96 },
  { family: "llama", dim: 96, layers: 2, ffn: 192, heads: 4, kvHeads: 4, vocab: 96 },
];

/**
 * The null across residual widths: independently synthesized pairs of different widths, every
 * other pair with B a residual-pruned copy (prune-hidden 25 % + drift, half of them rotated too)
 * of a third, independent model — the shape a pruned derivative has, without the shared weights.
 */
export function nullPValuesOtherWidths(pairs: number): Array<{ log10p: number; verdict: string }> {
  const out: Array<{ log10p: number; verdict: string }> = [];
  const [narrow, wide] = OTHER_WIDTHS as [Omit<SynthesizeSpec, "seed">, Omit<SynthesizeSpec, "seed">];
  for (let i = 0; i < pairs; i++) {
    const flip = i % 4 >= 2;
    const a = materialize(synthesize({ ...(flip ? wide : narrow), seed: 5000 + 2 * i }));
    let b = materialize(synthesize({ ...(flip ? narrow : wide), seed: 5001 + 2 * i }));
    if (i % 2 === 1) {
      const steps = i % 4 === 1 ? "prune-hidden:0.25,finetune-drift:0.05" : "prune-hidden:0.25,finetune-drift:0.05,rotate";
      const pruned = forgeInMemory(materialize(synthesize({ ...wide, seed: 5001 + 2 * i })), steps, i);
      b = materialize(pruned.draft);
    }
    const r = compareModels(a, b);
    out.push({ log10p: r.logP / Math.LN10, verdict: r.verdict });
  }
  return out;
}
