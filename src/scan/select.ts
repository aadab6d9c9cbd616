/**
 * @module scan/select
 * Which registered models a scan compares in depth: those whose index postings the suspect's
 * fingerprint hits most (derived models share their prominent units' codes), every model the
 * suspect names as its base (a claim is always checked), and — while the registry is small —
 * every model of the suspect's residual width. Selection only decides which p-values get
 * computed; the correction in scan.ts counts every registered model, so it cannot bias them.
 */
import type { Fingerprint } from "../fingerprint/types.js";
import type { Registry } from "../registry/open.js";
import { candidates, count, list, listByIds, names, type ModelListing } from "../registry/store.js";
import { sameModelName } from "./names.js";

export interface SelectOptions {
  /** Models taken from the index, best first (default 8). */
  candidates?: number;
  /** Compare every model of the same width while the registry holds at most this many (default 24). */
  exhaustiveUpTo?: number;
  /** Models in the whole registry, when `db` holds only some of them (a working set fetched from Postgres). */
  registered?: number;
}

export interface Selected {
  listing: ModelListing;
  /** Codes of the suspect's index key the model also posts (0 when not among the index candidates). */
  indexHits: number;
  why: "index" | "declared base" | "small registry";
}

export const DEFAULT_CANDIDATES = 8;
export const DEFAULT_EXHAUSTIVE_UP_TO = 24;

export function selectCandidates(db: Registry, fp: Fingerprint, declaredBases: readonly string[], opts: SelectOptions = {}): { selected: Selected[]; registered: number } {
  const registered = opts.registered ?? count(db);
  const out = new Map<number, Selected>();
  const limit = opts.candidates ?? DEFAULT_CANDIDATES;
  const hits = candidates(db, fp.index, limit);
  const hitsOf = new Map(hits.map((c) => [c.id, c.hits]));
  for (const l of listByIds(db, hits.map((c) => c.id))) out.set(l.id, { listing: l, indexHits: hitsOf.get(l.id) ?? 0, why: "index" });
  if (declaredBases.length) {
    const named = names(db).filter((m) => !out.has(m.id) && declaredBases.some((b) => sameModelName(b, m.name)));
    for (const l of listByIds(db, named.map((m) => m.id))) out.set(l.id, { listing: l, indexHits: 0, why: "declared base" });
  }
  if (registered <= (opts.exhaustiveUpTo ?? DEFAULT_EXHAUSTIVE_UP_TO)) {
    for (const m of list(db)) if (!out.has(m.id)) out.set(m.id, { listing: m, indexHits: 0, why: "small registry" });
  }
  return { selected: [...out.values()], registered };
}
