/**
 * @module policy/findings/architecture
 * Same architecture, independent weights: the case that uncalibrated accusations get wrong. When a
 * compared registered model has the suspect's exact shape but the weights test independent, say
 * so — matching configs are not evidence of derivation.
 */
import { q } from "../../errors.js";
import type { HyperParams } from "../../model/hyper-params.js";
import type { ScanResult } from "../../scan/scan.js";
import type { Finding } from "../report-input.js";
import { pText, weightEvidence } from "./relatives.js";

const SHAPE: ReadonlyArray<keyof HyperParams> = ["dim", "nLayers", "nHeads", "nKvHeads", "ffn", "vocab", "nExperts", "block"];

export function sameShape(a: HyperParams, b: HyperParams): boolean {
  return SHAPE.every((k) => a[k] === b[k]);
}

export function architectureFindings(name: string, scan: ScanResult): Finding[] {
  const mine = scan.suspect.summary.params;
  const same = scan.matches.filter((m) => m.verdict === "independent" && sameShape(mine, m.model.summary.params));
  const first = same[0];
  if (!first) return [];
  const names = same.map((m) => q(m.model.name)).join(", ");
  const weakest = same.reduce((p, m) => (m.logP < p.logP ? m : p), first);
  return [{
    id: "architecture-only", severity: "info", about: first.model.name,
    title: `Same architecture as ${names}, independent weights`,
    detail: `${q(name)} has exactly the shape of ${names} (${mine.nLayers} layers, width ${mine.dim}, MLP ${mine.ffn}, vocab ${mine.vocab}), but its weights test independent of ${same.length > 1 ? "each" : "it"} (smallest p ${pText(weakest.logP)}). A shared architecture, tokenizer or recipe is not derivation.`,
    evidence: { ...weightEvidence(weakest), sameShape: same.map((m) => m.model.name).join(", ") },
    fix: "None: this is not evidence of copying.",
  }];
}
