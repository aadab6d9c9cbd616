/**
 * @module scan/fetch
 * What a scan needs from a registry that is not a local file: the models select.ts could pick —
 * the index's best MAX_CANDIDATES (the most the scan widens to), the models named like the
 * suspect's declared bases, and every model while the registry is small — fetched by the backend's
 * indexed queries into a working set. Selection inside it picks exactly what it would pick on the
 * whole registry.
 */
import type { Fingerprint } from "../fingerprint/types.js";
import type { RegistryBackend } from "../registry/backend.js";
import { workingSet, type WorkingSet } from "../registry/working-set.js";
import { sameModelName } from "./names.js";
import { MAX_CANDIDATES } from "./scan.js";
import { DEFAULT_EXHAUSTIVE_UP_TO } from "./select.js";

export async function scanWorkingSet(b: RegistryBackend, fp: Fingerprint, declaredBases: readonly string[], exhaustiveUpTo = DEFAULT_EXHAUSTIVE_UP_TO): Promise<WorkingSet> {
  return workingSet(b, async () => {
    if ((await b.count()) <= exhaustiveUpTo) return b.ids();
    const ids = new Set((await b.candidates(fp.index, MAX_CANDIDATES)).map((c) => c.id));
    if (declaredBases.length > 0) {
      for (const m of await b.namesLike(declaredBases)) if (declaredBases.some((d) => sameModelName(d, m.name))) ids.add(m.id);
    }
    return [...ids].sort((x, y) => x - y);
  });
}
