/**
 * @module api/register
 * Fingerprint a model and store it in the registry with what its registrant declares. Bad
 * metadata, a name already taken, or anything that is not a model leaves the registry unchanged.
 */
import { PedigreeError, UsageError, q } from "../errors.js";
import { storedBehaviour } from "../behaviour/stored.js";
import { computeFingerprint } from "../fingerprint/compute.js";
import { runVocabulary } from "../run/index.js";
import { metaProblem, type ModelMeta } from "../registry/metadata.js";
import type { ModelEntry } from "../registry/store.js";
import { progressOf, throwIfAborted, type OperationOptions } from "./cancel.js";
import { useBackend, withModel, type ModelInput, type RegistryInput } from "./inputs.js";

export interface RegisterOptions extends OperationOptions {
  model: ModelInput;
  meta: ModelMeta;
  registry?: RegistryInput;
  /**
   * Also store the model's behavioural fingerprint (its top-16 next-token distributions on the
   * built-in probes; forward passes, so llama-family with a tokenizer): `scan --behaviour` then
   * tests suspects against it without the weights.
   */
  behaviour?: boolean;
}

export interface Registered {
  /** The registry file. */
  registry: string;
  entry: ModelEntry;
}

export async function register(opts: RegisterOptions): Promise<Registered> {
  const { meta } = opts;
  const problem = metaProblem(meta);
  if (problem) throw new UsageError(problem);
  throwIfAborted(opts.signal, "register");
  const report = progressOf(opts, "register");
  return useBackend(opts.registry, {}, async (b) => {
    // fail before the (slow) fingerprint when the name is taken; register() checks again
    if (await b.get(meta.name)) throw new PedigreeError("conflict", `a model named ${q(meta.name)} is already registered in ${b.name} (remove it first, or choose another --name)`);
    return withModel(opts.model, async (model) => {
      if (opts.behaviour && !runVocabulary(model)) throw new UsageError(`${model.path}: the model has no tokenizer; register --behaviour encodes probe texts`);
      const fp = computeFingerprint(model, { onLayer: (d, t) => report("fingerprint", d, t) });
      throwIfAborted(opts.signal, "register");
      if (opts.behaviour) {
        fp.behaviour = storedBehaviour(model, (d, t) => report("forward passes", d, t));
        throwIfAborted(opts.signal, "register");
      }
      return { registry: b.name, entry: await b.register(fp, meta) };
    });
  });
}
