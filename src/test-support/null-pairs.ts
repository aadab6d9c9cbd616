/** Independently synthesized model pairs of equal shape: the null, for calibration tests and benchmarks. */
import { compareModels } from "../compare.js";
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

