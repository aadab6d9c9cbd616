/**
 * @module verdict/transforms/structure
 * What a layer map says about depth: A layers used twice (stacked), missing (dropped), out of order
 * (reordered), and B layers from nowhere (a partial copy).
 */
import type { LayerLink, Transform } from "../result.js";

export function layerTransforms(layerMap: readonly LayerLink[], LA: number, LB: number): Transform[] {
  const out: Transform[] = [];
  const mapped = layerMap.filter((l) => l.a !== null);
  const used = mapped.map((l) => l.a as number);
  const missing = Array.from({ length: LA }, (_, i) => i).filter((i) => !used.includes(i));
  const dup = used.filter((x, i) => used.indexOf(x) !== i);
  const firsts = used.filter((x, i) => used.indexOf(x) === i);
  const reordered = firsts.some((x, i) => i > 0 && x < (firsts[i - 1] as number));
  const unmapped = layerMap.filter((l) => l.a === null).map((l) => l.b);
  if (dup.length) out.push({ kind: "layers-stacked", detail: `layers of A used more than once: ${[...new Set(dup)].join(", ")} (depth ${LA} -> ${LB})` });
  if (missing.length && mapped.length && unmapped.length === 0) out.push({ kind: "layers-dropped", detail: `layers of A not in B: ${missing.join(", ")}` });
  if (reordered) out.push({ kind: "layers-reordered", detail: `B's layers come from A's in the order ${used.join(", ")}` });
  if (unmapped.length && mapped.length) out.push({ kind: "partial", detail: `B layers ${unmapped.join(", ")} are independent of A; layers ${mapped.map((l) => l.b).join(", ")} come from A` });
  return out;
}
