/**
 * @module trace/scan-trace
 * For `scan --master --key-file`: trace the suspect against the issued copies of each gated or
 * closed registered model it derives from, so the leak / gated-redistribution finding can name the
 * recipient(s) whose copy it was made from.
 */
import { keyDigest } from "../mark/keys.js";
import { loadModel } from "../load-model.js";
import type { CanonicalModel } from "../model/canonical.js";
import { listIssued } from "../registry/issued.js";
import type { Registry } from "../registry/open.js";
import type { ScanMatch } from "../scan/scan.js";
import { traceModels, type Accused } from "./trace.js";

export interface TracedCopies {
  model: string;
  named: Accused[];
  tested: number;
}

/** Registered model name -> what tracing its issued copies found (models without copies under this key are left out). */
export function traceMatches(db: Registry, suspect: CanonicalModel, matches: readonly ScanMatch[], masterPath: string, key: Uint8Array): Map<string, TracedCopies> {
  const out = new Map<string, TracedCopies>();
  const digest = keyDigest(key);
  for (const m of matches) {
    if (m.sameFile || m.verdict !== "derived" || m.model.tier === "open" || m.direction === "suspect is the ancestor") continue;
    const recipients = listIssued(db, m.model.name).filter((c) => c.keySha256 === digest).map((c) => c.recipient);
    if (recipients.length === 0) continue;
    const master = loadModel(masterPath);
    try {
      const r = traceModels(master, suspect, { model: m.model.name, key, recipients });
      out.set(m.model.name, { model: m.model.name, named: r.named, tested: r.tested });
    } finally {
      master.close();
    }
  }
  return out;
}
