/**
 * @module api/inspect
 * What a model is: format, architecture, size, dtypes, declared metadata, tokenizer, and with
 * `tensors` every tensor with its canonical name (and f32 sha256 unless `digests` is false).
 */
import { inspectDocument, type InspectDocument } from "../report/inspect-document.js";
import { progressOf, throwIfAborted, type OperationOptions } from "./cancel.js";
import { withModel, type ModelInput } from "./inputs.js";

export interface InspectOptions extends OperationOptions {
  model: ModelInput;
  tensors?: boolean;
  /** With `tensors`: hash every tensor's values (default true). */
  digests?: boolean;
}

export async function inspect(opts: InspectOptions): Promise<InspectDocument> {
  throwIfAborted(opts.signal, "inspect");
  const report = progressOf(opts, "inspect");
  return withModel(opts.model, (m) =>
    inspectDocument(m, { tensors: !!opts.tensors, digests: opts.digests ?? true, onTensor: (d, t) => report("hashing tensors", d, t) }),
  );
}
