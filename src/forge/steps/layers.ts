/**
 * @module forge/steps/layers
 * Re-stacking layers (what drop-layers, stack-layers and reorder-layers share): new layer i is a
 * copy of old layer sources[i]. Tensors are only re-keyed, so values stream from the parent.
 */
import type { DraftTensor, ModelDraft } from "../../model/draft.js";
import { parseKey } from "../../model/roles.js";
import { renamed } from "../tensor-ops.js";
import { relayerKey } from "./common.js";

export function restack(d: ModelDraft, sources: number[]): ModelDraft {
  const perLayer = new Map<number, DraftTensor[]>();
  const before: DraftTensor[] = [];
  const after: DraftTensor[] = [];
  let seenLayer = false;
  for (const t of d.tensors) {
    const k = parseKey(t.key);
    if (k.layer === null) {
      (seenLayer ? after : before).push(t);
      continue;
    }
    seenLayer = true;
    const list = perLayer.get(k.layer) ?? [];
    list.push(t);
    perLayer.set(k.layer, list);
  }
  const tensors = [...before];
  sources.forEach((src, i) => {
    for (const t of perLayer.get(src) ?? []) tensors.push(renamed(t, relayerKey(t.key, i)));
  });
  tensors.push(...after);
  return { ...d, params: { ...d.params, nLayers: sources.length }, tensors };
}
