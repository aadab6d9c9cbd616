/**
 * @module policy/fail-on
 * Which findings fail a scan (exit code 1), as CI gates in model repositories ask for them:
 * `--fail-on leak,licence-obligation` (finding ids), `--fail-on high` (a severity and everything
 * above it), both mixed, or `never`. The default, `derivation,low`, fails when the suspect derives
 * from a registered model or any finding is at least low.
 */
import { UsageError } from "../errors.js";
import { severityRank, SEVERITIES } from "./findings/index.js";
import type { Finding, FindingId, Severity } from "./report-input.js";
import { FINDING_IDS } from "./report-input.js";

export const DEFAULT_FAIL_ON = "derivation,low";

export interface FailOn {
  ids: Set<FindingId>;
  severity: Severity | null;
}

export function parseFailOn(spec: string): FailOn {
  const out: FailOn = { ids: new Set(), severity: null };
  for (const raw of spec.split(",")) {
    const t = raw.trim().toLowerCase();
    if (t === "" || t === "never") continue;
    if ((SEVERITIES as readonly string[]).includes(t)) {
      const s = t as Severity;
      if (!out.severity || severityRank(s) < severityRank(out.severity)) out.severity = s;
    } else if ((FINDING_IDS as readonly string[]).includes(t)) out.ids.add(t as FindingId);
    else throw new UsageError(`--fail-on: "${raw.trim()}" is neither a finding id (${FINDING_IDS.join(", ")}) nor a severity (${SEVERITIES.join(", ")}), nor "never"`);
  }
  return out;
}

/** A derivation finding counts only when the suspect derives from the registered model (not the model itself, nor one built on it). */
function counts(f: Finding): boolean {
  return f.id !== "derivation" || f.evidence.relation === "ancestor";
}

export function failing(findings: readonly Finding[], rule: FailOn): Finding[] {
  return findings.filter((f) => counts(f) && (rule.ids.has(f.id) || (rule.severity !== null && severityRank(f.severity) >= severityRank(rule.severity))));
}
