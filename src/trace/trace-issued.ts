/**
 * @module trace/trace-issued
 * Trace a suspect against every copy of a registered model issued with a given key: the registry
 * says who holds a copy; copies marked with another key cannot be tested with this one and are
 * listed apart.
 */
import { q, UsageError } from "../errors.js";
import { keyDigest } from "../mark/keys.js";
import type { IssuedRow } from "../registry/backend.js";
import { trace, type TraceResult } from "./trace.js";

export interface IssuedTrace extends TraceResult {
  model: string;
  /** Recipients whose copies were marked with another key (not tested). */
  otherKey: string[];
}

/** `issued`: the model's issued copies, as the registry lists them. */
export function traceIssued(issued: readonly IssuedRow[], o: { suspect: string; master: string; model: string; key: Uint8Array; maxWords?: number }): IssuedTrace {
  if (issued.length === 0) throw new UsageError(`no marked copies of ${q(o.model)} were issued (pedigree mark records them)`);
  const digest = keyDigest(o.key);
  const mine = issued.filter((c) => c.keySha256 === digest).map((c) => c.recipient);
  const otherKey = issued.filter((c) => c.keySha256 !== digest).map((c) => c.recipient);
  if (mine.length === 0) throw new UsageError(`none of the ${issued.length} copies of ${q(o.model)} was marked with this key (key sha256 ${digest.slice(0, 12)}...)`);
  const r = trace(o.master, o.suspect, { model: o.model, key: o.key, recipients: mine, maxWords: o.maxWords });
  return { model: o.model, ...r, otherKey };
}
