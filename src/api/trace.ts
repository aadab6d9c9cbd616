/**
 * @module api/trace
 * Which recipients' marked copies a suspect was made from: the suspect is brought into the
 * master's frame, and every copy of the registered model issued with the key is tested against the
 * residual (docs/method.md section 7). `named` holds only recipients accused at corrected p <= 1e-9.
 */
import type { IssuedCopy } from "../registry/issued.js";
import { traceIssued, type IssuedTrace } from "../trace/trace-issued.js";
import { throwIfAborted, type OperationOptions } from "./cancel.js";
import { useBackend, type RegistryInput } from "./inputs.js";
import { keyOf } from "./mark.js";

export { TRACE_SCHEMA } from "../report/documents.js";

export interface TraceOptions extends OperationOptions {
  suspect: string;
  /** The registered model whose copies were issued. */
  model: string;
  /** The unmarked weights. */
  master: string;
  key: Uint8Array | { file: string };
  registry?: RegistryInput;
}

export async function trace(opts: TraceOptions): Promise<IssuedTrace> {
  const key = keyOf(opts.key);
  throwIfAborted(opts.signal, "trace");
  // the registry is read, then closed: the trace itself may take minutes
  const issued = await useBackend(opts.registry, { readOnly: true }, (b) => b.issued(opts.model));
  return traceIssued(issued, { suspect: opts.suspect, master: opts.master, model: opts.model, key });
}

export interface RecipientsOptions {
  model: string;
  registry?: RegistryInput;
}

export interface Recipients {
  registry: string;
  model: string;
  recipients: IssuedCopy[];
}

/** The marked copies of a model issued so far. */
export async function recipients(opts: RecipientsOptions): Promise<Recipients> {
  return useBackend(opts.registry, { readOnly: true }, async (b) => ({ registry: b.name, model: opts.model, recipients: (await b.issued(opts.model)).map((r) => ({ model: opts.model, ...r })) }));
}
