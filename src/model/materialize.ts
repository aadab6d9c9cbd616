/**
 * @module model/materialize
 * A draft held in memory as a canonical model, so forged models can be run or compared without
 * writing them to disk (small models; tests).
 */
import type { CanonicalModel } from "./canonical.js";
import { CanonicalTensor } from "./canonical-tensor.js";
import type { DraftTensor, ModelDraft } from "./draft.js";
import { compareKeys } from "./roles.js";
import type { RowSource } from "./row-source.js";

function memoryRows(t: DraftTensor): { src: RowSource; values: Float32Array } {
  const n = t.shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  let o = 0;
  for (const c of t.chunks()) {
    values.set(c, o);
    o += c.length;
  }
  const vector = t.shape.length === 1;
  const cols = vector ? n : (t.shape[t.shape.length - 1] as number);
  const rows = vector ? 1 : n / cols;
  return { values, src: { rows, cols, vector, read: (r0, k, out) => out.set(values.subarray(r0 * cols, (r0 + k) * cols)) } };
}

export function materialize(d: ModelDraft, path = "<memory>"): CanonicalModel {
  const tensors = new Map<string, CanonicalTensor>();
  for (const t of [...d.tensors].sort((a, b) => compareKeys(a.key, b.key))) {
    const { src } = memoryRows(t);
    tensors.set(t.key, new CanonicalTensor(t.key, [...t.shape], "F32", t.key, src));
  }
  return {
    path, format: "safetensors", files: [], architecture: d.architecture ?? d.params.block, params: { ...d.params }, tensors,
    tokens: d.tokens, declared: d.declared, metadata: {}, ignored: [], notes: [], entries: [], close() {},
  };
}
