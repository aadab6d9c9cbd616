/**
 * @module api/mark
 * Issue a copy of a registered gated or closed model marked for one recipient, and record it in
 * the registry (recipient, key digest, strength, date, the copy's digest; never the key).
 */
import { UsageError } from "../errors.js";
import { issueCopy, type Issued } from "../mark/issue.js";
import { readKeyFile } from "../mark/keys.js";
import { throwIfAborted, type OperationOptions } from "./cancel.js";
import { useBackend, type RegistryInput } from "./inputs.js";

export interface MarkOptions extends OperationOptions {
  /** The unmarked weights (a file or model folder). */
  master: string;
  /** The master's registered name. */
  model: string;
  recipient: string;
  /** The secret key, or the file holding it. */
  key: Uint8Array | { file: string };
  /** Where the copy goes: a folder (safetensors), .gguf or .bin (llama2.c). */
  out: string;
  strength?: number;
  dtype?: string;
  /** Replace the output and the recipient's earlier copy. */
  force?: boolean;
  registry?: RegistryInput;
}

export interface Marked extends Issued {
  registry: string;
}

export async function mark(opts: MarkOptions): Promise<Marked> {
  if (opts.strength !== undefined && !(Number.isFinite(opts.strength) && opts.strength > 0)) throw new UsageError(`--strength must be a positive number (got ${opts.strength})`);
  const key = keyOf(opts.key);
  throwIfAborted(opts.signal, "mark");
  return useBackend(opts.registry, {}, async (b) => ({
    registry: b.name,
    ...(await issueCopy(b, { master: opts.master, model: opts.model, recipient: opts.recipient, key, out: opts.out, strength: opts.strength, dtype: opts.dtype, force: opts.force })),
  }));
}

/** A key given as bytes, or read (and checked) from its file. */
export function keyOf(k: Uint8Array | { file: string }): Uint8Array {
  return k instanceof Uint8Array ? k : readKeyFile(k.file);
}
