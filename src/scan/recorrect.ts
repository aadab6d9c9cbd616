/**
 * @module scan/recorrect
 * A scan as it reads when its p-values are corrected for another number of hypotheses, and only
 * some of the compared models are kept: every kept match's p-value is the pair's own p-value
 * times `tests` (at most 1), its verdict follows from that, and the registry's file and counts are
 * replaced by what the reader may know. The server uses it so that a reader who may not learn the
 * registry's size gets p-values corrected for a bound on it instead (conservative: the bound is
 * never below the size), and the public a scan against the open models only.
 */
import { registryVerdict, type ScanMatch, type ScanResult } from "./scan.js";

export interface Rescope {
  /** Hypotheses to correct for (at least the registry's size, for a valid correction). */
  tests: number;
  /** Keep these matches (default: all). */
  keep?: (m: ScanMatch) => boolean;
  /** Stands for the registry file in the result. */
  file: string;
  /** Say "registry" instead of "small registry" in `selectedBy` (which tells the registry's size). */
  hideSmallRegistry?: boolean;
}

export function recorrect(r: ScanResult, o: Rescope): ScanResult {
  const tests = Math.max(1, o.tests);
  const matches = r.matches.filter((m) => o.keep?.(m) ?? true).map((m) => {
    const logP = Math.min(0, m.result.logP + Math.log(tests));
    const selectedBy = m.selectedBy === "small registry" && o.hideSmallRegistry ? "registry" : m.selectedBy;
    return { ...m, logP, verdict: registryVerdict(m.result, logP), selectedBy };
  });
  return { ...r, registry: { file: o.file, models: tests, compared: matches.length }, tests, matches };
}
