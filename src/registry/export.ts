/**
 * @module registry/export
 * The registry as JSON Lines: a header line
 * `{"schema":"pedigree.registry-export/1","pedigree":"registry-export","version":1}`, then one
 * line per model (in registration order) with its metadata and every fingerprint part as base64.
 * The summary is not written: it is inside the `meta` part, and import takes it from there.
 */
import type { RegistryBackend } from "./backend.js";
import type { Registry } from "./open.js";
import type { Tier } from "./metadata.js";
import { loadAllParts, type ModelRecord } from "./store.js";

export const EXPORT_KIND = "registry-export";
export const EXPORT_VERSION = 1;
/** The header's schema tag (docs/json.md); import reads `pedigree` and `version`, as before. */
export const EXPORT_SCHEMA = "pedigree.registry-export/1";

export interface ExportHeader {
  schema: typeof EXPORT_SCHEMA;
  pedigree: typeof EXPORT_KIND;
  version: number;
}

/** One model line: the record without what the importing registry assigns, and the parts. */
export type ExportedModel = Omit<ModelRecord, "id" | "partCount" | "postingCount"> & {
  /** Part name -> base64 of its bytes: "meta", then "layer.0", "layer.1", ... */
  parts: Record<string, string>;
};

function base64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64");
}

/**
 * The export's lines (without newlines): the header, then each model. Reads one model at a time,
 * all from one snapshot (a read transaction) however long the consumer takes.
 */
export function* exportLines(db: Registry): Generator<string> {
  const header: ExportHeader = { schema: EXPORT_SCHEMA, pedigree: EXPORT_KIND, version: EXPORT_VERSION };
  const own = !db.inTransaction;
  if (own) db.exec("BEGIN DEFERRED");
  try {
    yield* modelLines(db, header);
  } finally {
    if (own && db.inTransaction) db.exec("COMMIT");
  }
}

/** One model's export line. */
export function modelLine(r: Omit<ExportedModel, "parts">, parts: Map<string, Uint8Array>): string {
  const encoded: Record<string, string> = {};
  for (const [name, bytes] of parts) encoded[name] = base64(bytes);
  const line: ExportedModel = {
    name: r.name, owner: r.owner, tier: r.tier, license: r.license, declaredBase: r.declaredBase, released: r.released, registeredAt: r.registeredAt,
    recipients: r.recipients, notes: r.notes, fingerprintVersion: r.fingerprintVersion, parts: encoded,
  };
  return JSON.stringify(line);
}

/** How many models an export of a server registry fetches at once. */
const BATCH = 64;

/** The export's lines from any registry (backend.ts), in registration order. */
export async function* exportBackendLines(b: RegistryBackend): AsyncGenerator<string> {
  yield JSON.stringify({ schema: EXPORT_SCHEMA, pedigree: EXPORT_KIND, version: EXPORT_VERSION } satisfies ExportHeader);
  const ids = await b.ids();
  for (let i = 0; i < ids.length; i += BATCH) {
    for (const m of await b.models(ids.slice(i, i + BATCH))) yield modelLine(m.record, m.parts);
  }
}

function* modelLines(db: Registry, header: ExportHeader): Generator<string> {
  yield JSON.stringify(header);
  const ids = db.prepare("SELECT id FROM models ORDER BY id").pluck().all() as number[];
  const row = db.prepare(`SELECT name, owner, tier, license, declared_base, released, registered_at, recipients_json, notes, fingerprint_version FROM models WHERE id = ?`);
  for (const id of ids) {
    const r = row.get(id) as
      | { name: string; owner: string; tier: Tier; license: string | null; declared_base: string | null; released: string | null; registered_at: string; recipients_json: string | null; notes: string | null; fingerprint_version: number }
      | undefined;
    if (!r) continue;
    yield modelLine({
      name: r.name, owner: r.owner, tier: r.tier, license: r.license, declaredBase: r.declared_base, released: r.released, registeredAt: r.registered_at,
      recipients: r.recipients_json === null ? null : (JSON.parse(r.recipients_json) as string[]), notes: r.notes, fingerprintVersion: r.fingerprint_version,
    }, loadAllParts(db, id));
  }
}
