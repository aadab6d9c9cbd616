/**
 * @module lineage/distance
 * How far apart two related models are: the median relative change ||b − a|| / √(||a||·||b||) (symmetric) of units at
 * the same fixed indices, when both fingerprints hold the same layers and those units still
 * correspond (unit order kept); null otherwise (use the comparison's effect size instead).
 */
import { fromSketch } from "../fingerprint/sketch.js";
import type { Fingerprint } from "../fingerprint/types.js";

export function fixedUnitDistance(fa: Fingerprint, fb: Fingerprint): number | null {
  if (fa.dim !== fb.dim || fa.space !== fb.space || fa.layers.length !== fb.layers.length || fa.coords.length !== fb.coords.length) return null;
  // descriptors line up only over the same anchors, in the same order
  if (fa.space === "anchors" && (fa.anchors.texts.length !== fb.anchors.texts.length || fa.anchors.texts.some((t, i) => t !== fb.anchors.texts[i]))) return null;
  const changes: number[] = [];
  let aligned = 0;
  let total = 0;
  for (let l = 0; l < fa.layers.length; l++) {
    const ma = fa.layers[l]?.mlp;
    const mb = fb.layers[l]?.mlp;
    if (!ma || !mb || ma.units !== mb.units || ma.fixed.length !== mb.fixed.length) return null;
    const w = ma.fixedRows[0]?.cols ?? 0;
    const xa = fromSketch(ma.fixedRows[0] as NonNullable<(typeof ma.fixedRows)[0]>);
    const xb = fromSketch(mb.fixedRows[0] as NonNullable<(typeof mb.fixedRows)[0]>);
    for (let u = 0; u < ma.fixed.length; u++) {
      let dd = 0;
      let aa = 0;
      let ab = 0;
      let bb = 0;
      for (let j = 0; j < w; j++) {
        const a = xa[u * w + j] as number;
        const b = xb[u * w + j] as number;
        dd += (b - a) ** 2;
        aa += a * a;
        bb += b * b;
        ab += a * b;
      }
      total++;
      if (aa > 0 && bb > 0 && ab / Math.sqrt(aa * bb) > 0.5) aligned++;
      if (aa > 0 && bb > 0) changes.push(Math.sqrt(dd / Math.sqrt(aa * bb)));
    }
  }
  if (total === 0 || aligned < 0.8 * total) return null;
  changes.sort((x, y) => x - y);
  return changes[changes.length >> 1] as number;
}
