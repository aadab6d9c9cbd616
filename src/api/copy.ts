/**
 * @module api/copy
 * Copy a whole registry into an empty one, across backends (a SQLite file to Postgres and back):
 * every model with its id, record, summary text, fingerprint parts, index entries and issued
 * copies, in registration order, in one transaction on the target (all or nothing). A target that
 * already holds models is refused (a conflict): a copy never merges.
 */
import { PedigreeError } from "../errors.js";
import type { IncomingModel, RegistryBackend } from "../registry/backend.js";
import { incomingOf } from "../registry/working-set.js";
import { progressOf, throwIfAborted, type OperationOptions } from "./cancel.js";
import { useBackend, type RegistryInput } from "./inputs.js";

export interface CopyOptions extends OperationOptions {
  from: RegistryInput;
  to: RegistryInput;
}

export interface Copied {
  from: string;
  to: string;
  models: number;
  issuedCopies: number;
}

/** Models fetched from the source at once. */
const BATCH = 64;

async function* models(b: RegistryBackend, opts: CopyOptions, seen: { issued: number }): AsyncGenerator<IncomingModel> {
  const ids = await b.ids();
  const report = progressOf(opts, "copy");
  for (let i = 0; i < ids.length; i += BATCH) {
    throwIfAborted(opts.signal, "copy");
    for (const m of await b.models(ids.slice(i, i + BATCH))) {
      seen.issued += m.issued.length;
      yield incomingOf(m);
    }
    report("models", Math.min(ids.length, i + BATCH), ids.length);
  }
}

export async function copyRegistry(opts: CopyOptions): Promise<Copied> {
  throwIfAborted(opts.signal, "copy");
  return useBackend(opts.from, { readOnly: true }, (from) =>
    useBackend(opts.to, {}, async (to) => {
      if ((await to.count()) > 0) throw new PedigreeError("conflict", "the target registry already holds models: copy into an empty registry", to.name);
      const seen = { issued: 0 };
      // from one snapshot of a server registry (a SQLite source is read model by model)
      const copy = async (src: RegistryBackend) => to.load(models(src, opts, seen), { where: (m) => `${from.name}: model ${m.meta.name}` });
      const r = from.snapshot ? await from.snapshot(copy) : await copy(from);
      return { from: from.name, to: to.name, models: r.imported, issuedCopies: seen.issued };
    }));
}
