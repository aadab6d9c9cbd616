/**
 * @module api/compare
 * Is B derived from A's weights? The calibrated verdict (CompareResult) and its JSON document
 * (pedigree.compare/1, docs/json.md).
 */
import { compareBehaviour, costOf, judgeBehaviour } from "../behaviour/compare-behaviour.js";
import { builtinProbes, type ProbeSet } from "../behaviour/probes.js";
import type { BehaviourRecord } from "../behaviour/record.js";
import { compareModels } from "../compare.js";
import { UsageError } from "../errors.js";
import type { CanonicalModel } from "../model/canonical.js";
import { behaviourDocument, type BehaviourDocument } from "../report/behaviour-document.js";
import { compareDocument, modelSummary, type CompareDocument } from "../report/compare-document.js";
import type { CompareResult } from "../verdict/result.js";
import { progressOf, throwIfAborted, type OperationOptions } from "./cancel.js";
import { useBackend, withModel, type ModelInput, type RegistryInput } from "./inputs.js";
import { registryControls } from "./registry-controls.js";

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
  /**
   * Also test whether B was trained on A's outputs: forward passes of A, B and these controls
   * (trained independently of A, like B; 2 or more, with B's tokenizer) on probe texts.
   */
  behaviour?: {
    controls: ModelInput[];
    probes?: ProbeSet;
    /** With no controls: choose them among this registry's behavioural fingerprints (api/registry-controls.ts). */
    registry?: RegistryInput;
  };
}

export interface Comparison {
  result: CompareResult;
  /** pedigree.compare/1; with the behaviour option, its `behaviour` object beside the weight verdict. */
  document: CompareDocument & { behaviour?: BehaviourDocument };
}

function commandOf(o: CompareModelsOptions): string {
  const name = (m: ModelInput) => (typeof m === "string" ? m : m.path);
  const parts = ["pedigree", "compare", name(o.a), name(o.b)];
  if (o.with?.length) parts.push("--with", ...o.with.map(name));
  if (o.sample) parts.push("--sample", String(o.sample));
  if (o.rotation) parts.push("--rotation");
  if (o.behaviour) parts.push("--behaviour", ...(o.behaviour.controls.length > 0 ? ["--controls", o.behaviour.controls.map(name).join(",")] : typeof o.behaviour.registry === "string" ? ["--registry", o.behaviour.registry] : []));
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
  const controls = opts.behaviour?.controls ?? [];
  const fromRegistry = !!opts.behaviour && controls.length === 0 && opts.behaviour.registry !== undefined;
  if (opts.behaviour && controls.length === 0 && !fromRegistry) throw new UsageError("--behaviour needs --controls C1,C2,... (models trained independently of A, like B) or --registry to choose them from");
  if (fromRegistry && opts.behaviour?.probes) throw new UsageError("--probes cannot go with controls from a registry: its behavioural fingerprints were made on the built-in probes");
  throwIfAborted(opts.signal, "compare");
  const report = progressOf(opts, "compare");
  const nWith = opts.with?.length ?? 0;
  return withModels([opts.a, opts.b, ...(opts.with ?? []), ...controls], async ([a, b, ...rest]) => {
    if (!a || !b) throw new UsageError("compare needs two models");
    const result = compareModels(a, b, { sample, forceRotation: opts.rotation, with: rest.slice(0, nWith), onStage: report });
    const document: Comparison["document"] = compareDocument(result, modelSummary(a), modelSummary(b), opts.command ?? commandOf(opts));
    if (fromRegistry) {
      document.behaviour = await useBackend(opts.behaviour?.registry, { readOnly: true }, async (reg) => {
        const c = await registryControls(reg, a, b, (d, t) => report("forward passes", d, t));
        const r = judgeBehaviour(a, builtinProbes(), c.named, c.level, [costOf(a.path, c.runs[0] as BehaviourRecord), costOf(b.path, c.runs[1] as BehaviourRecord)]);
        return { ...behaviourDocument(r), controlsFrom: { registry: reg.name, relatives: c.relatives, copies: c.copies } };
      });
    } else if (opts.behaviour) {
      const r = compareBehaviour(a, b, rest.slice(nWith), { probes: opts.behaviour.probes, onProgress: (d, t) => report("forward passes", d, t) });
      document.behaviour = behaviourDocument(r);
    }
    return { result, document };
  });
}
