/**
 * @module mark/issue
 * Issue a marked copy of a registered gated or closed model to a recipient: write the copy, then
 * record it in the registry (recipient, key digest, strength, date, the copy's digest).
 */
import { q, UsageError } from "../errors.js";
import { recordIssued, type IssuedCopy } from "../registry/issued.js";
import type { Registry } from "../registry/open.js";
import { get } from "../registry/store.js";
import { keyDigest, MARK_SCHEME } from "./keys.js";
import { markModel, type MarkOptions, type MarkResult } from "./mark.js";

export interface Issued {
  copy: IssuedCopy;
  written: MarkResult;
}

export function issueCopy(db: Registry, o: MarkOptions, issuedAt = new Date().toISOString()): Issued {
  const entry = get(db, o.model);
  if (!entry) throw new UsageError(`no model named ${q(o.model)} in the registry: register the master first (pedigree register --tier gated|closed)`);
  if (entry.tier === "open") throw new UsageError(`${q(o.model)} is registered as open: marks are for gated and closed models`);
  if (o.recipient.length > 256) throw new UsageError("--recipient: at most 256 characters");
  // refuse a second copy for the same recipient before writing anything
  if (!o.force) recordCheck(db, o.model, o.recipient);
  const written = markModel(o);
  const copy: IssuedCopy = { model: o.model, recipient: o.recipient, keySha256: keyDigest(o.key), scheme: MARK_SCHEME, strength: written.strength, issuedAt, fileSha256: written.digest };
  recordIssued(db, copy, !!o.force);
  return { copy, written };
}

function recordCheck(db: Registry, model: string, recipient: string): void {
  const row = db.prepare("SELECT 1 FROM issued_copies c JOIN models m ON m.id = c.model_id WHERE m.name = ? AND c.recipient = ?").get(model, recipient);
  if (row) throw new UsageError(`${q(recipient)} already holds a marked copy of ${q(model)} (use --force to issue a new one in its place)`);
}
