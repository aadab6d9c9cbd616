/**
 * @module scan/scan
 * Scan a suspect model against the registry: fingerprint it once, select the registered models
 * worth comparing (select.ts), compare each (match.ts), and correct every p-value for the size of
 * the registry — the null "independent of every registered model" is tested against all of them,
 * so a p-value is multiplied by the number of registered models (Bonferroni), whichever were
 * compared. Returns every compared model: derived relatives by kinship (kinship.ts: the parent —
 * the closest ancestor — first, then further ancestors, siblings, other relatives, descendants),
 * then the rest by evidence.
 */
import { resolve } from "node:path";
import { computeFingerprint } from "../fingerprint/compute.js";
import type { Fingerprint, FingerprintSummary } from "../fingerprint/types.js";
import type { CanonicalModel } from "../model/canonical.js";
import type { Declared } from "../model/weight-set.js";
import type { Registry } from "../registry/open.js";
import { registryFile } from "../registry/open.js";
import { get, loadFingerprint, type ModelEntry } from "../registry/store.js";
import { ALPHA_DERIVED, type VerdictKind } from "../verdict/decide.js";
import type { CompareResult } from "../verdict/result.js";
import { relationName } from "../verdict/transforms/relation.js";
import { distanceOf, kinships, type Kinship } from "./kinship.js";
import { matchOne, type Route } from "./match.js";
import { DEFAULT_CANDIDATES, selectCandidates, type Selected, type SelectOptions } from "./select.js";

export interface ScanOptions extends SelectOptions {
  /** Compare against the suspect's full weights for this many of the best candidates that fingerprints do not settle (default 3). */
  deep?: number;
  onStage?: (stage: "fingerprint" | "compare", done: number, total: number) => void;
  /** The suspect's fingerprint, when already computed (scanModel computes it otherwise). */
  fingerprint?: Fingerprint;
}

export interface ScanMatch {
  model: ModelEntry;
  /** Why it was compared; "registry" where the reader may not learn that the registry is small (recorrect.ts). */
  selectedBy: Selected["why"] | "registry";
  indexHits: number;
  route: Route;
  /** Verdict after correcting for the registry's size. */
  verdict: VerdictKind;
  /** ln p, corrected for the routes tried and the registry's size. */
  logP: number;
  result: CompareResult;
  /** The suspect is the very file that was registered (same path, same bytes). */
  sameFile: boolean;
  /** Direction of descent between the registered model and the suspect (from this pair's evidence). */
  direction: "registered is the ancestor" | "suspect is the ancestor" | "unknown";
  /** The relation in a word or two ("quantized copy", "fine-tune", ...), as `compare` names it. */
  relation: string;
  /** Where the registered model stands to the suspect among all derived matches (kinship.ts); null when not derived. */
  kinship: Kinship | null;
  kinshipWhy: string;
}

export interface ScanResult {
  suspect: { path: string; summary: FingerprintSummary; declared: Declared; fingerprint: Fingerprint };
  registry: { file: string; models: number; compared: number };
  /** Hypotheses the p-values are corrected for (registered models). */
  tests: number;
  matches: ScanMatch[];
  timings: { fingerprintMs: number; compareMs: number };
}

const DEFAULT_DEEP = 3;
/** Index candidates looked at, at most, when a family keeps filling the list. */
export const MAX_CANDIDATES = 64;

/**
 * Whether the index's first `limit` candidates leave the scan looking further down the list: every
 * one of them was compared and is a relative (a large family can crowd the list).
 */
export function wouldWiden(matches: readonly ScanMatch[], limit: number): boolean {
  const fromIndex = matches.filter((m) => m.selectedBy === "index");
  return fromIndex.length >= limit && fromIndex.every((m) => m.verdict === "derived");
}

function directionOf(r: CompareResult): ScanMatch["direction"] {
  if (r.direction.parent === "unknown" || r.direction.confidence === "low") return "unknown";
  return r.direction.parent === "a" ? "registered is the ancestor" : "suspect is the ancestor";
}

/** A pair's verdict once its p-value is corrected for the registry's size (`logP`). */
export function registryVerdict(r: CompareResult, logP: number): VerdictKind {
  if (r.verdict === "derived" && logP <= Math.log(ALPHA_DERIVED)) return "derived";
  return r.verdict === "independent" ? "independent" : "inconclusive";
}

function sameFiles(a: FingerprintSummary, b: FingerprintSummary): boolean {
  if (resolve(a.path) !== resolve(b.path) || a.files.length !== b.files.length || a.files.length === 0) return false;
  return a.files.every((f, i) => !f.partial && f.sha256 === b.files[i]?.sha256);
}

/** Scan a live model: fingerprint it, then scanFingerprint with its weights at hand for the deep route. */
export function scanModel(db: Registry, suspect: CanonicalModel, opts: ScanOptions = {}): ScanResult {
  const t0 = performance.now();
  const fp = opts.fingerprint ?? computeFingerprint(suspect, { onLayer: (d, t) => opts.onStage?.("fingerprint", d, t) });
  const r = scanFingerprint(db, fp, suspect.declared, suspect, opts);
  r.timings.fingerprintMs = Math.round(performance.now() - t0);
  return r;
}

/**
 * Scan a suspect given by its fingerprint (and its weights, when at hand: `suspect`, for the deep
 * route; null compares fingerprints only).
 */
export function scanFingerprint(db: Registry, fp: Fingerprint, declared: Declared, suspect: CanonicalModel | null, opts: ScanOptions = {}): ScanResult {
  const t1 = performance.now();
  let limit = opts.candidates ?? DEFAULT_CANDIDATES;
  const first = selectCandidates(db, fp, declared.baseModels, { ...opts, candidates: limit });
  const registered = first.registered;
  let selected = first.selected;
  const tests = Math.max(1, registered);
  const deep = opts.deep ?? DEFAULT_DEEP;
  let deepUsed = 0;
  const matches: ScanMatch[] = [];
  const done = new Set<number>();
  const prints = new Map<number, Fingerprint>();
  const compareOne = (s: Selected) => {
    done.add(s.listing.id);
    const registeredFp = loadFingerprint(db, s.listing.id);
    const outcome = matchOne(registeredFp, fp, suspect && deepUsed < deep ? suspect : null, Math.log(ALPHA_DERIVED) - Math.log(2 * tests));
    if (outcome.routes > 1) deepUsed++;
    const logP = Math.min(0, outcome.result.logP + Math.log(tests));
    const model = get(db, s.listing.name) as ModelEntry;
    const sameFile = sameFiles(model.summary, fp.summary);
    prints.set(model.id, registeredFp);
    matches.push({ model, selectedBy: s.why, indexHits: s.indexHits, route: outcome.route, verdict: registryVerdict(outcome.result, logP), logP, result: outcome.result, sameFile, direction: directionOf(outcome.result), relation: relationName(outcome.result.transforms), kinship: null, kinshipWhy: "" });
  };
  for (;;) {
    selected.forEach((s, i) => {
      opts.onStage?.("compare", i, selected.length);
      if (!done.has(s.listing.id)) compareOne(s);
    });
    // a large family can crowd the index's first candidates: while every one of them is a relative,
    // look further down the list (a relative's parent may rank just below its siblings)
    if (limit >= MAX_CANDIDATES || !wouldWiden(matches, limit)) break;
    limit = Math.min(MAX_CANDIDATES, 2 * limit);
    ({ selected } = selectCandidates(db, fp, declared.baseModels, { ...opts, candidates: limit }));
  }
  opts.onStage?.("compare", selected.length, selected.length);
  // derived relatives by kinship (the parent first, then further ancestors, siblings, other
  // relatives, descendants), closest first within each; then the rest by evidence
  const relatives = matches.filter((m) => m.verdict === "derived" && !m.sameFile);
  // the name the suspect is registered under, when this very file is registered (not its card's: the uploader writes that)
  const suspectNames = matches.filter((m) => m.sameFile).map((m) => m.model.name);
  kinships(relatives.map((m) => ({ model: m.model, result: m.result, direction: m.direction, fingerprint: prints.get(m.model.id) as Fingerprint })), fp, suspectNames).forEach((k, i) => {
    const m = relatives[i] as ScanMatch;
    m.kinship = k.kinship;
    m.kinshipWhy = k.why;
  });
  const order: Array<Kinship | null> = ["parent", "ancestor", "sibling", "relative", "descendant", null];
  const rank = (m: ScanMatch) => (m.verdict === "derived" ? (m.sameFile ? 0 : 1 + order.indexOf(m.kinship)) : 99);
  matches.sort((a, b) => rank(a) - rank(b) || (a.verdict === "derived" ? distanceOf(a.result) - distanceOf(b.result) : 0) || a.logP - b.logP || b.indexHits - a.indexHits);
  return {
    suspect: { path: fp.summary.path, summary: fp.summary, declared, fingerprint: fp },
    registry: { file: registryFile(db), models: registered, compared: matches.length },
    tests, matches,
    timings: { fingerprintMs: 0, compareMs: Math.round(performance.now() - t1) },
  };
}
