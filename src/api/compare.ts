/**
 * @module api/compare
 * Is B derived from A's weights? The calibrated verdict (CompareResult) and its JSON document
 * (pedigree.compare/1, docs/json.md).
 */
import { compareModels } from "../compare.js";
import { UsageError } from "../errors.js";
import type { CanonicalModel } from "../model/canonical.js";
import { compareDocument, modelSummary, type CompareDocument } from "../report/compare-document.js";
import type { CompareResult } from "../verdict/result.js";
import { progressOf, throwIfAborted, type OperationOptions } from "./cancel.js";
import { withModel, type ModelInput } from "./inputs.js";

export interface CompareModelsOptions extends OperationOptions {
  a: ModelInput;
  b: ModelInput;
  /** Suspected merge parents: estimate B's mixing weights. */
  with?: ModelInput[];
  /** Units sampled per component (8..100000; default 256, 128 for large models). */
  sample?: number;
  /** Fit the full d x d rotation for wide models (slow). */
  rotation?: boolean;
  /** The command line recorded in the document (default: the equivalent `pedigree compare`). */
  command?: string;
}

export interface Comparison {
  result: CompareResult;
  document: CompareDocument;
}

function commandOf(o: CompareModelsOptions): string {
  const name = (m: ModelInput) => (typeof m === "string" ? m : m.path);
  const parts = ["pedigree", "compare", name(o.a), name(o.b)];
  if (o.with?.length) parts.push("--with", ...o.with.map(name));
  if (o.sample) parts.push("--sample", String(o.sample));
  if (o.rotation) parts.push("--rotation");
  return parts.join(" ");
}

async function withModels<T>(inputs: ModelInput[], fn: (ms: CanonicalModel[]) => T): Promise<T> {
  const [first, ...rest] = inputs;
  if (first === undefined) return fn([]);
  return withModel(first, (m) => withModels(rest, (ms) => fn([m, ...ms])));
}

export async function compare(opts: CompareModelsOptions): Promise<Comparison> {
  const { sample } = opts;
  if (sample !== undefined && (!Number.isInteger(sample) || sample < 8 || sample > 100000)) throw new UsageError("--sample must be an integer from 8 to 100000");
  throwIfAborted(opts.signal, "compare");
  const report = progressOf(opts, "compare");
  return withModels([opts.a, opts.b, ...(opts.with ?? [])], ([a, b, ...parents]) => {
    if (!a || !b) throw new UsageError("compare needs two models");
    const result = compareModels(a, b, { sample, forceRotation: opts.rotation, with: parents, onStage: report });
    return { result, document: compareDocument(result, modelSummary(a), modelSummary(b), opts.command ?? commandOf(opts)) };
  });
}
