/**
 * @module report/behaviour-document
 * The `behaviour` object of `compare --behaviour --json` (docs/json.md): the behavioural verdict,
 * its p-values, effect size, evidence positions and cost. It sits beside the weight verdict's fields
 * and never changes them.
 */
import type { BehaviourComparison } from "../behaviour/compare-behaviour.js";
import type { BehaviourScan } from "../behaviour/scan-behaviour.js";
import { ALPHA_BEHAVIOUR } from "../behaviour/verdict.js";

const r4 = (x: number): number => Math.round(x * 1e4) / 1e4;

export function behaviourDocument(r: BehaviourComparison) {
  return {
    verdict: r.verdict,
    pValue: r.pValue,
    pRank: r.pRank,
    alpha: ALPHA_BEHAVIOUR,
    level: r.level,
    reason: r.reason,
    null: "B was trained without access to A's outputs, like the controls (B and the controls exchangeable)",
    effect: { agreementExcess: r4(r.effect), t: Number.isFinite(r.t) ? r4(r.t) : null, suspectAgreement: r4(r.suspectAgreement) },
    controls: r.controls.map((c) => ({ path: c.name, agreement: r4(c.agreement), nearest: r4(c.nearest) })),
    suspectNearest: r4(r.suspectNearest),
    probes: { version: r.probesVersion, texts: r.probes, positions: r.positions },
    byProbe: r.byProbe.map(r4),
    evidence: r.evidence.map((e, i) => ({
      probe: e.probe, domain: r.evidenceText[i]?.domain, pos: e.pos, context: r.evidenceText[i]?.context, next: r.evidenceText[i]?.next,
      pA: r4(e.pA), pB: r4(e.pB), excess: r4(e.excess),
    })),
    cost: { models: r.cost, tokens: r.cost.reduce((s, c) => s + c.tokens, 0), seconds: Math.round(r.cost.reduce((s, c) => s + c.seconds, 0) * 100) / 100 },
  };
}

/** Where the controls came from, when a registry chose them (compare --behaviour --registry). */
export interface ControlsFrom {
  registry: string;
  /** Registered models related by weights to A or B: left out. */
  relatives: string[];
  /** Registered models behaving as A or B do: left out. */
  copies: string[];
}

export type BehaviourDocument = ReturnType<typeof behaviourDocument> & { controlsFrom?: ControlsFrom };

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = "";
  for (const w of text.split(" ")) {
    if (line && line.length + 1 + w.length > width) {
      out.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) out.push(line);
  return out;
}

/** Text lines (80 columns) for the behavioural part of `compare`. */
export function behaviourText(d: BehaviourDocument): string[] {
  const p = (x: number) => (x < 1e-3 ? x.toExponential(1) : x.toPrecision(2));
  const lines = [
    "",
    `behaviour: ${d.verdict} (p = ${p(d.pValue)}, rank p = ${p(d.pRank)}, alpha ${d.alpha})`,
    ...wrap(d.reason, 76).map((l) => `  ${l}`),
    `  B's agreement with A's idiosyncrasies ${d.effect.suspectAgreement.toFixed(3)}, controls':`,
    ...d.controls.map((c) => `    ${c.agreement.toFixed(3)}  ${c.path}`.slice(0, 80)),
    ...(d.controlsFrom ? wrap(`controls chosen in ${d.controlsFrom.registry}${d.controlsFrom.relatives.length > 0 ? `; left out as weight relatives of A or B: ${d.controlsFrom.relatives.join(", ")}` : ""}${d.controlsFrom.copies.length > 0 ? `; left out as copies of A or B: ${d.controlsFrom.copies.join(", ")}` : ""}`, 76).map((l) => `  ${l}`) : []),
    `  probes ${d.probes.version}`.slice(0, 80),
    ...(d.level === "text" ? ["  tokenizers differ: compared at the text level (next characters where every", "  model's tokens end)"] : []),
    `  ${d.probes.texts} texts, ${d.probes.positions} positions; cost ${d.cost.tokens} tokens, ${d.cost.seconds.toFixed(1)} s`,
  ];
  if (d.evidence.length > 0) {
    lines.push("  positions carrying the evidence (A's next token, pA, pB):");
    for (const e of d.evidence.slice(0, 5)) {
      const ctx = JSON.stringify(e.context ?? "").slice(-40);
      lines.push(`    ${ctx} -> ${JSON.stringify(e.next ?? "")} ${e.pA.toFixed(2)} ${e.pB.toFixed(2)}`.slice(0, 80));
    }
  }
  return lines;
}

/** The `behaviour` object of `scan --behaviour --json` (docs/json.md), beside the weight findings. */
export function behaviourScanDocument(s: BehaviourScan) {
  return {
    question: "was the suspect trained on a registered model's outputs?",
    null: "the suspect was trained without access to the target's outputs, like the controls (registered models with a comparable behavioural fingerprint, not related to the target by weights, nearest the suspect in size)",
    probesVersion: s.probesVersion,
    alpha: ALPHA_BEHAVIOUR,
    testsCorrectedFor: s.tests,
    alphaPerTest: s.alphaPerTest,
    registered: s.registered,
    comparable: s.comparable,
    identical: s.identical,
    untested: s.untested,
    derived: s.derived,
    candidates: s.candidates.map((c) => ({
      name: c.name, level: c.level, verdict: c.verdict, pValue: c.pValue, pAdjusted: c.pAdjusted, pRank: c.pRank, pBest: c.pBest,
      effect: { agreementExcess: r4(c.effect), t: Number.isFinite(c.t) ? r4(c.t) : null, suspectAgreement: r4(c.suspectAgreement) },
      controls: c.controls.map((x) => ({ name: x.name, agreement: r4(x.agreement) })),
      relatives: c.relatives,
      reason: c.reason,
    })),
    cost: s.cost,
    ...(s.note ? { note: s.note } : {}),
  };
}

export type BehaviourScanDocument = ReturnType<typeof behaviourScanDocument>;

/** Text lines (80 columns) for the behavioural part of `scan`. */
export function behaviourScanText(d: BehaviourScanDocument): string[] {
  const p = (x: number) => (x < 1e-3 ? x.toExponential(1) : x.toPrecision(2));
  const lines = ["", "behaviour (trained on a registered model's outputs?), apart from the weights:"];
  if (d.note) return [...lines, ...wrap(d.note, 76).map((l) => `  ${l}`)];
  lines.push(`  ${d.testsCorrectedFor} registered models tested, each at alpha ${p(d.alphaPerTest)} (Bonferroni)`);
  if (d.untested.length > 0) lines.push(...wrap(`not tested (fewer than 2 controls unrelated to them by weights): ${d.untested.join(", ")}`, 76).map((l) => `  ${l}`));
  if (d.identical.length > 0) lines.push(...wrap(`behaves identically to: ${d.identical.join(", ")} (not tested)`, 76).map((l) => `  ${l}`));
  lines.push(d.derived.length > 0 ? `  behaviour-derived from: ${d.derived.join(", ")}`.slice(0, 80) : "  behaviour-derived from: none");
  for (const c of d.candidates.slice(0, 5)) {
    lines.push(`    ${c.verdict.padEnd(21)} p ${p(c.pValue).padEnd(8)} adjusted ${p(c.pAdjusted).padEnd(8)} ${c.name}${c.level === "text" ? " (text level)" : ""}`.slice(0, 80));
  }
  lines.push(`  probes ${d.probesVersion}; cost ${d.cost.tokens} tokens, ${d.cost.seconds.toFixed(1)} s`.slice(0, 80));
  return lines;
}
