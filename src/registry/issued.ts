/**
 * @module registry/issued
 * Copies of a registered model issued to recipients, each with its own mark: record one, list a
 * model's. Only the key's digest is stored, never the key.
 */
import { q, UsageError } from "../errors.js";
import type { IssuedRow } from "./backend.js";
import type { Registry } from "./open.js";
import { resolveModel } from "./store.js";

/** An issued copy: its model's name and the stored row (backend.ts's IssuedRow). */
export interface IssuedCopy extends IssuedRow {
  model: string;
}

/** The usage error for a second copy to one recipient without --force. */
export function alreadyIssued(model: string, recipient: string): UsageError {
  return new UsageError(`${q(recipient)} already holds a marked copy of ${q(model)} (use --force to issue a new one in its place)`);
}

interface Row {
  recipient: string;
  key_sha256: string;
  scheme: string;
  strength: number;
  issued_at: string;
  file_sha256: string;
}

/** Record an issued copy; a recipient already holding a copy of the model is a UsageError unless `replace`. */
export function recordIssued(db: Registry, c: IssuedCopy, replace = false): void {
  db.transaction(() => {
    const id = resolveModel(db, c.model);
    const seen = db.prepare("SELECT 1 FROM issued_copies WHERE model_id = ? AND recipient = ?").get(id, c.recipient);
    if (seen && !replace) throw alreadyIssued(c.model, c.recipient);
    db.prepare("DELETE FROM issued_copies WHERE model_id = ? AND recipient = ?").run(id, c.recipient);
    db.prepare("INSERT INTO issued_copies (model_id, recipient, key_sha256, scheme, strength, issued_at, file_sha256) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(id, c.recipient, c.keySha256, c.scheme, c.strength, c.issuedAt, c.fileSha256);
  }).immediate();
}

/** Every copy of a model issued so far, by recipient. */
export function listIssued(db: Registry, model: string): IssuedCopy[] {
  const id = resolveModel(db, model);
  const rows = db.prepare("SELECT recipient, key_sha256, scheme, strength, issued_at, file_sha256 FROM issued_copies WHERE model_id = ? ORDER BY recipient").all(id) as Row[];
  return rows.map((r) => ({ model, recipient: r.recipient, keySha256: r.key_sha256, scheme: r.scheme, strength: r.strength, issuedAt: r.issued_at, fileSha256: r.file_sha256 }));
}
