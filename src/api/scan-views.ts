/**
 * @module api/scan-views
 * One scan as three readers may see it, all made from the same comparisons:
 * - `full`: the scan itself (p-values corrected for the registry's size, which it states);
 * - `bounded`: p-values corrected for `bound` — the registry's size rounded up to a power of ten,
 *   at least 10 — instead, and nothing that tells the size: no registry file or counts, no
 *   "small registry" reasons, no comparison time (which grows with the models compared). The
 *   correction stays valid (the bound is never below the size); verdicts can only be more cautious;
 *   the size is told only to within its order of magnitude.
 * - `open`: the bounded scan against the registry's open models only, its findings and exports
 *   made from those matches alone (as if no other model were registered).
 * A scan with `behaviour` keeps that section in every view, as api/behaviour-views.ts says.
 */
import { DEFAULT_FAIL_ON, failing, parseFailOn } from "../policy/fail-on.js";
import { scanFindings } from "../policy/findings/index.js";
import { scanDocument } from "../report/scan-document.js";
import { recorrect } from "../scan/recorrect.js";
import type { ScanMatch } from "../scan/scan.js";
import { boundedBehaviour, openBehaviour } from "./behaviour-views.js";
import { scanExport, SCAN_EXPORTS, type ScanExport } from "./scan-export.js";
import type { ScanOutcome } from "./scan.js";

export type BomExport = Exclude<ScanExport, "json">;

export interface ScanView {
  document: Record<string, unknown>;
  exports: Record<BomExport, unknown>;
}

export interface ScanViews {
  full: ScanView;
  bounded: ScanView;
  open: ScanView;
  /** The number of hypotheses the bounded and open views are corrected for. */
  bound: number;
}

/** What stands for the registry file in the bounded views. */
export const HIDDEN_REGISTRY = "(the server's registry)";

/** The registry's size rounded up to a power of ten, at least 10. */
export function sizeBound(models: number): number {
  return 10 ** Math.max(1, Math.ceil(Math.log10(Math.max(1, models))));
}

function viewOf(o: ScanOutcome): ScanView {
  const exports = Object.fromEntries(SCAN_EXPORTS.filter((k) => k !== "json").map((k) => [k, scanExport(o, k)])) as Record<BomExport, unknown>;
  return { document: o.document as unknown as Record<string, unknown>, exports };
}

function bounded(o: ScanOutcome, bound: number, keep?: (m: ScanMatch) => boolean): ScanView {
  const scan = recorrect(o.scan, { tests: bound, keep, file: HIDDEN_REGISTRY, hideSmallRegistry: true });
  scan.timings = { fingerprintMs: scan.timings.fingerprintMs, compareMs: 0 };
  const findings = scanFindings(o.facts, scan);
  const fails = failing(findings, parseFailOn(DEFAULT_FAIL_ON));
  const document = scanDocument(o.facts, scan, findings, fails.length > 0 ? 1 : 0);
  const view = viewOf({ scan, facts: o.facts, findings, failing: fails, document });
  // no counts, no timings (undefined: left out of the JSON the server sends)
  return { ...view, document: { ...view.document, registry: { file: HIDDEN_REGISTRY }, timings: undefined } };
}

/** A view with a `behaviour` section (undefined: left out, as in a scan without one). */
function withBehaviour(v: ScanView, behaviour: unknown): ScanView {
  return behaviour === undefined ? v : { ...v, document: { ...v.document, behaviour } };
}

export function scanViews(o: ScanOutcome): ScanViews {
  const bound = sizeBound(o.scan.registry.models);
  const b = o.document.behaviour;
  return {
    full: viewOf(o),
    bounded: withBehaviour(bounded(o, bound), b && boundedBehaviour(b, bound)),
    open: withBehaviour(bounded(o, bound, (m) => m.model.tier === "open"), b && openBehaviour(b)),
    bound,
  };
}
