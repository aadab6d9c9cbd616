/**
 * @module report/compare-document
 * The `compare` report as JSON: a stable, versioned contract (docs/json.md). p-values are given both
 * as numbers (0 when below the double range) and as log10, which is exact at any size.
 */
import type { CanonicalModel } from "../model/canonical.js";
import { ALPHA_DERIVED, ALPHA_INDEPENDENT } from "../verdict/decide.js";
import type { CompareResult, ComponentEvidence } from "../verdict/result.js";
import { inputDigest, type InputDigest } from "../io/input-digest.js";

export const COMPARE_SCHEMA = "pedigree.compare/1";

const log10 = (lnP: number) => Math.round((lnP / Math.LN10) * 100) / 100;
const pOf = (lnP: number) => Math.min(1, Math.exp(lnP));

export interface ModelSummary {
  path: string;
  format: string;
  architecture: string;
  parameters: number;
  layers: number;
  dim: number;
  vocab: number;
  files: InputDigest[];
}

export function modelSummary(m: CanonicalModel, digests = true): ModelSummary {
  let parameters = 0;
  for (const t of m.tensors.values()) parameters += t.size;
  return {
    path: m.path, format: m.format, architecture: m.architecture, parameters, layers: m.params.nLayers, dim: m.params.dim, vocab: m.params.vocab,
    files: digests ? m.files.map(inputDigest) : [],
  };
}

function component(c: ComponentEvidence) {
  return {
    component: c.component, against: c.against, status: c.status, pValue: pOf(c.logP), log10PValue: log10(c.logP),
    tested: c.tested, matched: c.matched, similarity: c.similarity, ...(c.note ? { note: c.note } : {}),
  };
}

export function compareDocument(r: CompareResult, a: ModelSummary, b: ModelSummary, command: string) {
  const layers = new Map<number, Record<string, ReturnType<typeof component>>>();
  const other: Record<string, ReturnType<typeof component>> = {};
  for (const c of r.components) {
    const m = /^layers\.(\d+)\.(.+)$/.exec(c.component);
    if (m) {
      const l = Number(m[1]);
      const entry = layers.get(l) ?? {};
      entry[m[2] as string] = component(c);
      layers.set(l, entry);
    } else other[c.component] = component(c);
  }
  return {
    schema: COMPARE_SCHEMA,
    verdict: r.verdict,
    pValue: pOf(r.logP),
    log10PValue: log10(r.logP),
    alpha: { derived: ALPHA_DERIVED, independent: ALPHA_INDEPENDENT },
    reason: r.reason,
    testsCorrectedFor: r.tests,
    a,
    b,
    frame: { ...r.frame, probes: r.frame.probes.map((p) => ({ ...p, log10PValue: log10(p.logP), logP: undefined })) },
    tokens: r.tokens,
    layerMap: r.layerMap.map((l) => ({ a: l.a, b: l.b, pValue: pOf(l.logP), log10PValue: log10(l.logP), matchedFraction: l.matchedFraction })),
    components: {
      ...other,
      layers: [...layers.entries()].sort((x, y) => x[0] - y[0]).map(([l, e]) => ({ b: l, ...e })),
    },
    transforms: r.transforms,
    direction: { ...r.direction, note: "estimate of which model is the parent, from weight evidence only; separate from the verdict" },
    effectSizes: r.effect,
    heatmap: { aLayers: r.heatmap.aLayers, bLayers: r.heatmap.bLayers, log10PValue: r.heatmap.logP.map((row) => row.map((x) => (Number.isNaN(x) ? null : log10(x)))), probedOnly: r.heatmap.probed },
    nonFinite: r.nonFinite,
    caveats: r.caveats,
    timings: r.timings,
    command,
  };
}

export type CompareDocument = ReturnType<typeof compareDocument>;
