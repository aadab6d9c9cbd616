/**
 * @module mark/issue
 * Issue a marked copy of a registered gated or closed model to a recipient: write the copy, then
 * record it in the registry (recipient, key digest, strength, date, the copy's digest).
 */
import { q, UsageError } from "../errors.js";
import type { RegistryBackend } from "../registry/backend.js";
import { alreadyIssued, type IssuedCopy } from "../registry/issued.js";
import { keyDigest, MARK_SCHEME } from "./keys.js";
import { markModel, type MarkOptions, type MarkResult } from "./mark.js";

export interface Issued {
  copy: IssuedCopy;
  written: MarkResult;
}

export async function issueCopy(b: RegistryBackend, o: MarkOptions, issuedAt = new Date().toISOString()): Promise<Issued> {
  const entry = await b.get(o.model);
  if (!entry) throw new UsageError(`no model named ${q(o.model)} in the registry: register the master first (pedigree register --tier gated|closed)`);
  if (entry.tier === "open") throw new UsageError(`${q(o.model)} is registered as open: marks are for gated and closed models`);
  if (o.recipient.length > 256) throw new UsageError("--recipient: at most 256 characters");
  // refuse a second copy for the same recipient before writing anything (issue checks again)
  if (!o.force && (await b.issued(o.model)).some((c) => c.recipient === o.recipient)) throw alreadyIssued(o.model, o.recipient);
  const written = markModel(o);
  const copy: IssuedCopy = { model: o.model, recipient: o.recipient, keySha256: keyDigest(o.key), scheme: MARK_SCHEME, strength: written.strength, issuedAt, fileSha256: written.digest };
  const { model, ...row } = copy;
  await b.issue(model, row, !!o.force);
  return { copy, written };
}
