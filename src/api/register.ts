/**
 * @module api/register
 * Fingerprint a model and store it in the registry with what its registrant declares. Bad
 * metadata, a name already taken, or anything that is not a model leaves the registry unchanged.
 */
import { PedigreeError, UsageError, q } from "../errors.js";
import { computeFingerprint } from "../fingerprint/compute.js";
import { metaProblem, type ModelMeta } from "../registry/metadata.js";
import { get, register as store, type ModelEntry } from "../registry/store.js";
import { progressOf, throwIfAborted, type OperationOptions } from "./cancel.js";
import { useRegistry, withModel, type ModelInput, type RegistryInput } from "./inputs.js";

export interface RegisterOptions extends OperationOptions {
  model: ModelInput;
  meta: ModelMeta;
  registry?: RegistryInput;
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
  return useRegistry(opts.registry, {}, (db, file) => {
    // fail before the (slow) fingerprint when the name is taken; store() checks again
    if (get(db, meta.name)) throw new PedigreeError("conflict", `a model named ${q(meta.name)} is already registered in ${file} (remove it first, or choose another --name)`);
    return withModel(opts.model, (model) => {
      const fp = computeFingerprint(model, { onLayer: (d, t) => report("fingerprint", d, t) });
      throwIfAborted(opts.signal, "register");
      return { registry: file, entry: store(db, fp, meta) };
    });
  });
}
