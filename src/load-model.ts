/**
 * @module load-model
 * Library entry point: any weight file or model folder -> its canonical view.
 */
import { openWeights } from "./formats/open.js";
import { canonicalize, type CanonicalModel } from "./model/canonical.js";

export function loadModel(path: string): CanonicalModel {
  const ws = openWeights(path);
  try {
    return canonicalize(ws);
  } catch (e) {
    ws.close();
    throw e;
  }
}
