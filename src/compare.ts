/**
 * @module compare
 * Library entry: is B derived from A's weights? Loads both models (any format), removes the
 * residual-stream symmetries (choose a frame), maps B's layers onto A's with unit-level tests,
 * tests attention, embeddings and head, and decides with a corrected p-value. See
 * docs/method.md for the null hypothesis and why each p-value is valid.
 */
import { chooseFrame, FRAMES_TRIED } from "./evidence/choose-frame.js";
import { finiteView, type NonFiniteTally } from "./evidence/finite-view.js";
import { identityPermutationTest } from "./evidence/identity-permutation.js";
import { mapLayers } from "./evidence/layer-map.js";
import { tokenPairs } from "./evidence/token-pairs.js";
import { tokenRowTest, type TokenTestResult } from "./evidence/token-rows.js";
import { describeTransforms, estimateDirection } from "./verdict/transforms/describe.js";
import { ComponentCache, DEFAULT_UNIT_OPTIONS, unitTest, type UnitTestOptions, type UnitTestResult } from "./evidence/unit-test.js";
import { isLarge } from "./evidence/unit-views.js";
import { loadModel } from "./load-model.js";
import type { CanonicalModel } from "./model/canonical.js";
import { decide } from "./verdict/decide.js";
import type { CompareResult, ComponentEvidence, LayerLink } from "./verdict/result.js";

export interface CompareOptions {
  /** Units sampled per component (more: slower, more power). */
  sample?: number;
  /** Estimate the full rotation frame even for wide models (slow: d³ per sweep); else wide models get the rotation onto a sketch of coordinates. */
  forceRotation?: boolean;
  /** Estimate the rotation onto this many of A's coordinates whatever the width (the wide-model path; for tests). */
  rotationCoords?: number;
  /** Compare in the files' residual basis only (inputs already aligned, e.g. fingerprint views). */
  identityOnly?: boolean;
  /** Parents of a suspected merge, to estimate mixing weights. */
  with?: CanonicalModel[];
  onStage?: (stage: string, done: number, total: number) => void;
}

const SHARED = Math.log(1e-6);

function unitEvidence(r: UnitTestResult, against: string): ComponentEvidence {
  return {
    component: r.component, against, status: r.logP <= SHARED ? "shared" : "independent", logP: r.logP,
    tested: r.tested, matched: r.matched, similarity: r.viewCos,
  };
}

function tokenEvidence(r: TokenTestResult): ComponentEvidence {
  return {
    component: r.component, against: r.component, status: r.logP <= SHARED ? "shared" : "independent", logP: r.logP,
    tested: r.tested, matched: r.matched, similarity: { row: r.matchedCos, mean: r.meanCos },
  };
}

/** Compare two loaded models. */
export function compareModels(modelA: CanonicalModel, modelB: CanonicalModel, options: CompareOptions = {}): CompareResult {
  const finiteA = finiteView(modelA);
  const finiteB = finiteView(modelB);
  const result = compareFinite(finiteA.model, finiteB.model, options);
  reportNonFinite(result, finiteA.tally, finiteB.tally);
  return result;
}

/** More than this fraction of non-finite values read, and a model has too little left to compare. */
const MOSTLY_NON_FINITE = 0.5;

/** Non-finite values were read as zeros (no evidence): say so, and never call a mostly-NaN model independent either. */
function reportNonFinite(result: CompareResult, ta: NonFiniteTally, tb: NonFiniteTally): void {
  const summary = (t: NonFiniteTally) => ({ values: t.values, valuesRead: t.read, tensors: t.worst() });
  result.nonFinite = { a: summary(ta), b: summary(tb) };
  for (const [side, t] of [["A", ta], ["B", tb]] as const) {
    if (t.values === 0) continue;
    const pct = (100 * t.values) / Math.max(1, t.read);
    result.caveats.push(`${side}: ${t.values.toLocaleString("en")} of ${t.read.toLocaleString("en")} values read (${pct.toFixed(pct < 1 ? 3 : 1)}%) are NaN or infinite (in ${t.worst(3).join(", ")}${t.byTensor.size > 3 ? ", ..." : ""}); they were not counted as evidence`);
    if (t.values > MOSTLY_NON_FINITE * t.read && result.verdict !== "derived") {
      result.verdict = "inconclusive";
      result.reason = `${side}'s weights are mostly NaN or infinite: nothing left to compare`;
    }
  }
}

function compareFinite(a: CanonicalModel, b: CanonicalModel, options: CompareOptions): CompareResult {
  const timings: Record<string, number> = {};
  let t0 = performance.now();
  const lap = (name: string) => {
    const t = performance.now();
    timings[name] = Math.round(t - t0);
    t0 = t;
  };
  const big = isLarge(a);
  const opts: UnitTestOptions = { ...DEFAULT_UNIT_OPTIONS, sample: options.sample ?? (big ? 128 : DEFAULT_UNIT_OPTIONS.sample), withDown: !big };
  const caveats: string[] = [];
  const pairs = tokenPairs(a, b);
  if (!pairs) caveats.push("no token correspondence: embeddings and head were not compared, and no frame could be estimated from them");
  else if (pairs.method === "ids") caveats.push("token strings unavailable: rows paired by id");

  // progress: frame, layers, attention, tokens, exact test, transforms (each reported done at its end)
  options.onStage?.("frame", 0, 1);
  const choice = chooseFrame(a, b, pairs, opts, { rotation: options.forceRotation, rotationCoords: options.rotationCoords, identityOnly: options.identityOnly });
  options.onStage?.("frame", 1, 1);
  lap("frameMs");
  const frame = choice.frame;
  const components: ComponentEvidence[] = [];
  const layerMap: LayerLink[] = [];
  const LA = a.params.nLayers;
  const LB = b.params.nLayers;
  let heatmap: CompareResult["heatmap"] = { aLayers: LA, bLayers: LB, logP: [], probed: [] };
  let minLogP = 0;
  let tests = 2;
  let powered = false;
  const mlpResults: UnitTestResult[] = [];

  if (frame) {
    const cache = new ComponentCache(big ? 2 : 64);
    const exhaustive = false;
    options.onStage?.("layers", 0, LB);
    const map = mapLayers(a, b, frame, cache, opts, exhaustive, (d, t) => options.onStage?.("layers", d, t));
    lap("layersMs");
    heatmap = { aLayers: LA, bLayers: LB, logP: map.heat, probed: map.probed };
    if (map.diagonal && LB > 1) {
      tests += 1;
      minLogP = Math.min(minLogP, map.diagonal.logP);
      components.push({ component: "layers (pooled)", against: "same-index layers", status: map.diagonal.logP <= SHARED ? "shared" : "independent", logP: map.diagonal.logP, tested: map.diagonal.tested, matched: map.diagonal.matched, similarity: {}, note: "MLP units of every same-index layer pair, counted together" });
    }
    const attentionLayers = new Set(Array.from({ length: Math.min(8, LB) }, (_, i) => Math.floor(((i + 0.5) * LB) / Math.min(8, LB))));
    for (const [i, le] of map.layers.entries()) {
      options.onStage?.("attention", i, map.layers.length);
      tests += le.searched * 3;
      const r = le.result;
      if (!r) {
        layerMap.push({ a: null, b: le.b, logP: 0, matchedFraction: 0 });
        continue;
      }
      powered ||= r.tested >= 8 && r.powered;
      mlpResults.push(r);
      const shared = r.logP <= SHARED;
      layerMap.push({ a: shared ? r.a : null, b: le.b, logP: r.logP, matchedFraction: r.matched / r.tested });
      components.push(unitEvidence(r, shared ? `layers.${r.a}.mlp` : "any layer"));
      minLogP = Math.min(minLogP, r.logP);
      // attention of the same layer pair (the mapped one, else the same index); for large models a
      // spread of layers is enough evidence about attention
      const la = shared ? r.a : le.b < LA ? le.b : null;
      if (la === null || (big && !attentionLayers.has(le.b))) continue;
      for (const kind of ["attn.q", "attn.v"] as const) {
        const ar = unitTest(a, la, b, le.b, kind, frame, cache, opts);
        if (!ar) continue;
        components.push(unitEvidence(ar, `layers.${la}.${kind}`));
        minLogP = Math.min(minLogP, ar.logP);
      }
    }
    options.onStage?.("attention", map.layers.length, map.layers.length);
    lap("attentionMs");
    options.onStage?.("tokens", 0, 1);
    if (pairs && frame.kind !== "rotation") {
      for (const which of ["embed", "head"] as const) {
        const tr = tokenRowTest(a, b, which, pairs, choice.heldOut, frame, opts.seed);
        if (!tr) continue;
        components.push(tokenEvidence(tr));
        minLogP = Math.min(minLogP, tr.logP);
        powered ||= tr.tested >= 32;
      }
    } else if (frame.kind === "rotation") {
      caveats.push("residual stream compared after an orthogonal rotation fitted to the embeddings: embedding and head are aligned by construction and not counted as evidence");
    }
    options.onStage?.("tokens", 1, 1);
    lap("tokensMs");
  } else {
    caveats.push(choice.probes[0]?.note ?? "no residual frame");
  }
  tests *= FRAMES_TRIED;
  // the exact test in the files' own unit order (powerful for narrow models, blind to scrambling)
  // (large models with powered unit tests do without it: it adds seconds and no power there)
  options.onStage?.("exact test", 0, 1);
  const exact = big && powered ? null : identityPermutationTest(a, b, pairs, opts.seed);
  options.onStage?.("exact test", 1, 1);
  lap("exactMs");
  let minCorrected = Math.min(0, minLogP + Math.log(tests));
  let why = "B shares weights with A: units of B match units of A far beyond chance";
  if (exact) {
    if (exact.logP < minCorrected) why = "B shares weights with A: in the files' own unit order, B's units pair with A's far beyond any relabelling (exact permutation test)";
    minCorrected = Math.min(minCorrected, exact.logP);
    for (const link of layerMap) {
      const lp = exact.layers.get(link.b);
      if (link.a === null && lp !== undefined && lp + Math.log(Math.max(1, LB)) <= SHARED) {
        link.a = link.b;
        link.logP = lp;
      }
    }
    if (!powered && exact.logP > Math.log(0.01)) caveats.push("the model is too narrow for unit-level tests: a scrambled derivative would not be detected; an unscrambled one would have been (exact test)");
  }
  const decision = decide(minCorrected, exact ? 2 : 1, powered, why);
  const matchedUnits = mlpResults.reduce((s, r) => s + (r.logP <= SHARED ? r.matched : 0), 0);
  const testedUnits = mlpResults.reduce((s, r) => s + r.tested, 0);
  const simAll = mlpResults.filter((r) => r.logP <= SHARED).map((r) => Object.values(r.viewCos)[0] ?? 0);
  const result: CompareResult = {
    verdict: decision.verdict, logP: decision.logP, reason: decision.reason, tests: tests * (exact ? 2 : 1),
    frame: frame ? { kind: frame.kind, support: frame.support, source: frame.source, probes: choice.probes, ...(frame.dimB !== undefined && frame.perm ? { coordinateMap: Array.from(frame.perm) } : {}) } : { kind: "none", support: 0, source: "-", probes: choice.probes },
    tokens: pairs ? { shared: pairs.a.length, vocabA: pairs.vocabA, vocabB: pairs.vocabB, method: pairs.method, added: pairs.added, removed: pairs.removed } : null,
    layerMap, components, heatmap, transforms: [], exact: exact ? { logP: exact.logP, groups: exact.groups.length } : null, direction: { parent: "unknown", confidence: "low", reasons: [] },
    effect: { matchedFraction: testedUnits ? matchedUnits / testedUnits : 0, unitSimilarity: simAll.length ? simAll.reduce((s, x) => s + x, 0) / simAll.length : 0, relativeChange: null },
    caveats, timings, nonFinite: { a: { values: 0, valuesRead: 0, tensors: [] }, b: { values: 0, valuesRead: 0, tensors: [] } },
  };
  options.onStage?.("transforms", 0, 1);
  if (result.verdict === "derived" && frame) {
    result.transforms = describeTransforms(a, b, result, frame, mlpResults, options.with ?? []);
    result.direction = estimateDirection(a, b, result);
    const rc = result.transforms.find((t) => typeof t.values?.relativeChange === "number");
    if (rc) result.effect.relativeChange = rc.values?.relativeChange as number;
  }
  options.onStage?.("transforms", 1, 1);
  lap("transformsMs");
  timings.totalMs = Object.values(timings).reduce((s, x) => s + x, 0);
  return result;
}

/** Compare two models given by path (any format); closes them afterwards. */
export function compare(pathA: string, pathB: string, options: CompareOptions = {}): CompareResult {
  const t = performance.now();
  const a = loadModel(pathA);
  const b = loadModel(pathB);
  const loadMs = Math.round(performance.now() - t);
  try {
    const r = compareModels(a, b, options);
    r.timings = { loadMs, ...r.timings, totalMs: (r.timings.totalMs ?? 0) + loadMs };
    return r;
  } finally {
    a.close();
    b.close();
  }
}
