/**
 * @module policy/findings/provenance
 * Findings about whose weights the suspect carries: a closed model's (leak), a gated model's
 * (redistribution, with the recipients who had it), and, as information, every registered model
 * it shares weights with in either direction.
 */
import { q } from "../../errors.js";
import type { ScanMatch } from "../../scan/scan.js";
import type { TracedCopies } from "../../trace/scan-trace.js";
import type { Finding } from "../report-input.js";
import type { SuspectFacts } from "../suspect.js";
import { ancestorsOf, collateralOf, descendantsOf, selfOf, pText, weightEvidence, whatWasDone } from "./relatives.js";

/** Who a traced copy names, as a clause and an evidence value. */
function tracedText(t: TracedCopies | undefined): { clause: string; value: string | null } {
  if (!t) return { clause: "", value: null };
  if (t.named.length === 0) return { clause: ` Its marks match none of the ${t.tested} issued copies tested.`, value: `none of ${t.tested}` };
  const who = t.named.map((a) => `${q(a.recipient)} (p ${pText(a.log10P * Math.LN10)})`).join(", ");
  return { clause: ` It carries the mark of the copy issued to ${who}.`, value: t.named.map((a) => a.recipient).join(", ") };
}

export function provenanceFindings(s: SuspectFacts, matches: readonly ScanMatch[], traced: ReadonlyMap<string, TracedCopies> = new Map()): Finding[] {
  const out: Finding[] = [];
  const self = selfOf(matches);
  if (self) {
    out.push({
      id: "derivation", severity: "info", about: self.model.name,
      title: `This is registered model ${q(self.model.name)}`,
      detail: `${q(s.path)} is the file registered as ${q(self.model.name)} (same path, same bytes); findings about copies do not apply to it.`,
      evidence: { ...weightEvidence(self), relation: "self" },
      fix: "None needed.",
    });
  }
  for (const m of ancestorsOf(matches)) {
    const who = `${q(m.model.name)} (${m.model.owner})`;
    const how = `p ${pText(m.logP)} against independent training, ${Math.round(m.result.effect.matchedFraction * 100)}% of tested units matched; ${whatWasDone(m)}`;
    const tr = tracedText(traced.get(m.model.name));
    const trEvidence: Record<string, string> = tr.value === null ? {} : { tracedTo: tr.value };
    if (m.model.tier === "closed") {
      out.push({
        id: "leak", severity: "critical", about: m.model.name,
        title: `Weights of closed model ${q(m.model.name)}`,
        detail: `${q(s.name)} carries the weights of ${who}, which were never released (${how}).${tr.clause}`,
        evidence: { ...weightEvidence(m), ...trEvidence },
        fix: `Take the model down and investigate how ${q(m.model.name)}'s weights left ${m.model.owner}.`,
      });
    } else if (m.model.tier === "gated") {
      const recipients = m.model.recipients ?? [];
      const holder = s.publisher ? recipients.find((r) => r.trim().toLowerCase() === (s.publisher as string).trim().toLowerCase()) : undefined;
      if (holder) {
        out.push({
          id: "gated-redistribution", severity: "info", about: m.model.name,
          title: `Gated model ${q(m.model.name)}, published by its registered recipient ${q(holder)}`,
          detail: `${q(s.name)} carries the weights of ${who} (${how}); ${q(holder)} is a registered recipient of them. Whether its terms allow publishing is for the owner to check.${tr.clause}`,
          evidence: { ...weightEvidence(m), publisher: holder, recipients: recipients.join(", "), ...trEvidence },
          fix: `Check ${q(holder)}'s agreement with ${m.model.owner}.`,
        });
      } else {out.push({
        id: "gated-redistribution", severity: "high", about: m.model.name,
        title: `Weights of gated model ${q(m.model.name)} redistributed`,
        detail: `${q(s.name)} carries the weights of ${who}, which are only given out under terms (${how}). ` +
          (recipients.length ? `${recipients.length} recipient${recipients.length > 1 ? "s" : ""} had them: ${recipients.join(", ")}.` : "No recipients are registered.") +
          (tr.value === null ? " Which copy this came from needs marked copies (pedigree mark) and scan --master --key-file." : tr.clause),
        evidence: { ...weightEvidence(m), publisher: s.publisher ?? null, recipients: recipients.join(", ") || null, ...trEvidence },
        fix: `Check that the publisher accepted ${q(m.model.name)}'s terms and may redistribute; otherwise request removal.`,
      });}
    }
    out.push({
      id: "derivation", severity: "info", about: m.model.name,
      title: `Derived from ${q(m.model.name)}`,
      detail: `${q(s.name)} shares weights with registered model ${who}${m.direction === "unknown" ? " (which came first is not settled)" : ""}: ${how}.`,
      evidence: { ...weightEvidence(m), relation: "ancestor" },
      fix: "None needed in itself; see the other findings for what it entails.",
    });
  }
  for (const m of collateralOf(matches)) {
    out.push({
      id: "derivation", severity: "info", about: m.model.name,
      title: `${q(m.model.name)} is a ${m.kinship === "sibling" ? "sibling" : "relative"}, not an ancestor`,
      detail: `Registered model ${q(m.model.name)} (${m.model.owner}) shares weights with ${q(s.name)} (p ${pText(m.logP)}; ${whatWasDone(m)}), but not as its ancestor: ${m.kinshipWhy}.`,
      evidence: { ...weightEvidence(m), relation: m.kinship === "sibling" ? "sibling" : "relative" },
      fix: "None needed in itself; its terms do not bind this model unless it also derives from it.",
    });
  }
  for (const m of descendantsOf(matches)) {
    out.push({
      id: "derivation", severity: "info", about: m.model.name,
      title: `${q(m.model.name)} is built on this model`,
      detail: `Registered model ${q(m.model.name)} (${m.model.owner}) shares weights with ${q(s.name)} and the evidence says it came later: p ${pText(m.logP)}; ${whatWasDone(m)}.`,
      evidence: { ...weightEvidence(m), relation: "descendant" },
      fix: "None needed in itself.",
    });
  }
  return out;
}
