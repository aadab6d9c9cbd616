/**
 * @module policy/findings/base-claims
 * The suspect's declared base models set against the weights:
 * - undisclosed-base: it derives from a registered model and names no base that accounts for it
 *   (a declared base accounts for an ancestor when it is that ancestor, or the base the ancestor's
 *   registrant declared);
 * - false-base-claim: it names a registered base its weights are independent of, or says it was
 *   trained from scratch while its weights come from a registered model.
 * A base claimed but not registered cannot be checked: when the weights lead elsewhere that is
 * reported as information only.
 */
import { q } from "../../errors.js";
import { sameModelName } from "../../scan/names.js";
import type { ScanMatch } from "../../scan/scan.js";
import type { Finding } from "../report-input.js";
import type { SuspectFacts } from "../suspect.js";
import { ancestorsOf, isMirror, pText, weightEvidence } from "./relatives.js";

function accounts(base: string, m: ScanMatch): boolean {
  return sameModelName(base, m.model.name) || (m.model.declaredBase !== null && sameModelName(base, m.model.declaredBase));
}

export function baseClaimFindings(s: SuspectFacts, matches: readonly ScanMatch[]): Finding[] {
  const out: Finding[] = [];
  // a mirror (same name, same weights) is the registered model again, not a model with a base
  const ancestors = ancestorsOf(matches).filter((m) => !isMirror(s.name, m));
  const closest = ancestors[0];
  const explained = s.declaredBases.some((b) => ancestors.some((m) => accounts(b, m)));
  if (closest && !explained) {
    const names = ancestors.map((m) => q(m.model.name)).join(", ");
    const wrongRegistered = s.declaredBases.filter((b) => matches.some((m) => sameModelName(b, m.model.name)));
    if (s.claimsIndependent || wrongRegistered.length > 0) {
      const claim = s.claimsIndependent ? "says it was trained from scratch" : `names ${wrongRegistered.map((b) => q(b)).join(", ")} as its base`;
      out.push({
        id: "false-base-claim", severity: "high", about: closest.model.name,
        title: `Claims ${s.claimsIndependent ? "independent training" : `base ${wrongRegistered.map((b) => q(b)).join(", ")}`}; weights come from ${q(closest.model.name)}`,
        detail: `${q(s.name)} ${claim}, but its weights derive from ${names} (p ${pText(closest.logP)}).`,
        evidence: { ...weightEvidence(closest), claimed: s.claimsIndependent ? "trained from scratch" : wrongRegistered.join(", ") },
        fix: `Correct the model card: declare ${q(closest.model.name)} as base_model.`,
      });
    } else {
      // a declared base pedigree does not know may well be the truth (an unregistered fine-tune of the ancestor)
      out.push({
        id: "undisclosed-base", severity: s.declaredBases.length ? "info" : "medium", about: closest.model.name,
        title: s.declaredBases.length ? `Declared base unverified; weights come from ${q(closest.model.name)}` : `Undisclosed base ${q(closest.model.name)}`,
        detail: s.declaredBases.length
          ? `${q(s.name)} declares ${s.declaredBases.map((b) => q(b)).join(", ")} (not registered), and its weights derive from registered ${names}; nothing registered links the two, so the claim is unverified.`
          : `${q(s.name)} declares no base model, but its weights derive from ${names} (p ${pText(closest.logP)}).`,
        evidence: weightEvidence(closest),
        fix: `Declare ${q(closest.model.name)} as base_model in the model card (and GGUF general.base_model.*).`,
      });
    }
  }
  for (const b of s.declaredBases) {
    const m = matches.find((x) => sameModelName(b, x.model.name));
    if (!m || m.verdict !== "independent") continue;
    if (out.some((f) => f.id === "false-base-claim")) break;
    out.push({
      id: "false-base-claim", severity: "medium", about: m.model.name,
      title: `Declared base ${q(m.model.name)} is not in the weights`,
      detail: `${q(s.name)} names ${q(m.model.name)} as its base, but no part of its weights derives from it (p ${pText(m.logP)}, a test with power to see shared weights). Training on a model's outputs (distillation) leaves no shared weights, so the claim may describe that.`,
      evidence: { ...weightEvidence(m), claimed: b },
      fix: `Correct base_model, or say how ${q(m.model.name)} was used (e.g. base_model_relation, or distillation in the card).`,
    });
  }
  return out;
}
