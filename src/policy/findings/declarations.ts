/**
 * @module policy/findings/declarations
 * Declarations that could not be read (a model card with broken YAML, a bad adapter_config.json):
 * the licences and base models written there were not seen, so findings that rest on them may be
 * missing or wrong. The scan itself goes on from the weights.
 */
import { q } from "../../errors.js";
import type { Finding } from "../report-input.js";
import type { SuspectFacts } from "../suspect.js";

export function declarationFindings(s: SuspectFacts): Finding[] {
  return s.problems.map((problem) => ({
    id: "unreadable-declaration" as const, severity: "low" as const,
    title: "Declarations could not be read",
    detail: `${q(s.name)}: ${problem}. Licences and base models declared there were not seen; the weight evidence is unaffected.`,
    evidence: { problem },
    fix: "Fix the model card's YAML front matter (between the --- lines) so that hubs and tools can read it.",
  }));
}
