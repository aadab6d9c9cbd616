/**
 * @module registry/working-set
 * Some models of a registry, copied whole (records, summaries byte for byte, parts, index postings,
 * issued copies, ids) into a registry in memory, for the synchronous core (scan, tree, trace) to
 * work on: on a SQLite registry it works on the file itself; on Postgres, on the few models the
 * backend's indexed queries picked. Candidate search inside the set ranks its models exactly as
 * the backend ranks them (same hit counts, ties by the same ids).
 */
import { decodeMeta } from "../fingerprint/codec.js";
import type { IncomingModel, RegistryBackend, StoredModel } from "./backend.js";
import { memoryRegistry, type Registry } from "./open.js";
import { SqliteBackend, addIncoming } from "./sqlite-backend.js";
import type { FingerprintSummary } from "../fingerprint/types.js";

/** A stored model as a model to add elsewhere, keeping its id, summary text and issued copies. */
export function incomingOf(m: StoredModel): IncomingModel {
  const r = m.record;
  const meta = decodeMeta(m.parts.get("meta") as Uint8Array);
  return {
    meta: {
      name: r.name, owner: r.owner, tier: r.tier, license: r.license ?? undefined, declaredBase: r.declaredBase ?? undefined, released: r.released ?? undefined,
      recipients: r.recipients ?? undefined, notes: r.notes ?? undefined,
    },
    stored: { parts: m.parts, version: r.fingerprintVersion, summary: JSON.parse(m.summaryJson) as FingerprintSummary, index: meta.index, summaryJson: m.summaryJson },
    registeredAt: r.registeredAt, id: r.id, issued: m.issued,
  };
}

export interface WorkingSet {
  db: Registry;
  /** Models in the whole registry (the scan's correction counts them all). */
  registered: number;
  close(): void;
}

/** The working set of `ids` (all of the registry when it is a SQLite file: the file itself). */
export async function workingSet(b: RegistryBackend, ids: () => Promise<readonly number[]>): Promise<WorkingSet> {
  if (b instanceof SqliteBackend) return { db: b.db, registered: await b.count(), close: () => undefined };
  const registered = await b.count();
  const models = await b.models(await ids());
  const db = memoryRegistry(b.name);
  try {
    db.transaction(() => {
      for (const m of models) addIncoming(db, incomingOf(m), false, b.name);
    })();
  } catch (e) {
    db.close();
    throw e;
  }
  return { db, registered, close: () => db.close() };
}
