/**
 * @module scan/fetch
 * What a scan needs from a registry that is not a local file: the models select.ts could pick —
 * the index's best `take` candidates, the models named like the suspect's declared bases, and every
 * model while the registry is small — fetched by the backend's indexed queries into a working set.
 * Selection inside it picks exactly what it would pick on the whole registry, as long as the scan
 * does not look past the first `take` candidates: scanOnBackend fetches the scan's first
 * candidates, and fetches up to MAX_CANDIDATES only when the scan would widen (wouldWiden).
 */
import type { Fingerprint } from "../fingerprint/types.js";
import type { RegistryBackend } from "../registry/backend.js";
import { workingSet, type WorkingSet } from "../registry/working-set.js";
import { sameModelName } from "./names.js";
import { MAX_CANDIDATES, wouldWiden, type ScanMatch } from "./scan.js";
import { DEFAULT_EXHAUSTIVE_UP_TO } from "./select.js";

export async function scanWorkingSet(b: RegistryBackend, fp: Fingerprint, declaredBases: readonly string[], take = MAX_CANDIDATES, exhaustiveUpTo = DEFAULT_EXHAUSTIVE_UP_TO): Promise<WorkingSet> {
  return workingSet(b, async () => {
    if ((await b.count()) <= exhaustiveUpTo) return b.ids();
    const ids = new Set((await b.candidates(fp.index, take)).map((c) => c.id));
    if (declaredBases.length > 0) {
      for (const m of await b.namesLike(declaredBases)) if (declaredBases.some((d) => sameModelName(d, m.name))) ids.add(m.id);
    }
    return [...ids].sort((x, y) => x - y);
  });
}

/**
 * Runs `scan` on a working set of the scan's first `candidates`, and again on one of MAX_CANDIDATES
 * when the first would have widened; returns its result with the working set it ran on (open:
 * the caller closes it).
 */
export async function scanOnBackend<T extends { matches: readonly ScanMatch[] }>(
  b: RegistryBackend, fp: Fingerprint, declaredBases: readonly string[], candidates: number, scan: (ws: WorkingSet) => T,
): Promise<{ result: T; ws: WorkingSet }> {
  let ws = await scanWorkingSet(b, fp, declaredBases, Math.min(candidates, MAX_CANDIDATES));
  try {
    let result = scan(ws);
    if (candidates < MAX_CANDIDATES && ws.registered > DEFAULT_EXHAUSTIVE_UP_TO && wouldWiden(result.matches, candidates) && b.kind !== "sqlite") {
      ws.close();
      ws = await scanWorkingSet(b, fp, declaredBases, MAX_CANDIDATES);
      result = scan(ws);
    }
    return { result, ws };
  } catch (e) {
    ws.close();
    throw e;
  }
}
