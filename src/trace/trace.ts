/**
 * @module trace/trace
 * `pedigree trace`: whose issued copy is a suspect model? Align the suspect to the master
 * (trace/align.ts), compute every recipient's statistic S = Σ c·P over the aligned residual
 * (trace/scores.ts), and bound each under the null "this recipient's pattern is independent of the
 * residual" with Hoeffding: P(S ≥ t) ≤ exp(−t²/(2Σc²)). The smallest bound times the number of
 * recipients tested (Bonferroni) is the p-value; recipients at corrected p ≤ 1e-9 are named.
 * docs/method.md ("Tracing a leaked copy") says why the null holds and what would break it.
 */
import { loadModel } from "../load-model.js";
import type { CanonicalModel } from "../model/canonical.js";
import { align, type AlignOptions, type Alignment } from "./align.js";
import { keepWords, scoreRecipients, wordsFor, type RecipientScore } from "./scores.js";

/** Corrected p-value at or below which a recipient is named. */
export const ACCUSE_LEVEL = 1e-9;

export interface TraceOptions extends AlignOptions {
  /** The registered model's name (part of every pattern's derivation). */
  model: string;
  key: Uint8Array;
  /** Recipients whose copies were marked with this key. */
  recipients: readonly string[];
  /** Most words (32 entries each) scored per recipient (default: a budget of word × recipient steps). */
  maxWords?: number;
}

export interface Accused {
  recipient: string;
  /** Bonferroni-corrected p-value (may underflow to 0: see log10P). */
  pValue: number;
  log10P: number;
  /** Estimated mark amplitude in the suspect (fraction of row RMS); k averaged copies show 1/k of it each. */
  strength: number;
}

export interface TraceResult {
  named: Accused[];
  tested: number;
  level: number;
  /** The strongest recipient whatever its p-value (null when none was tested). */
  best: Accused | null;
  frame: Alignment["frame"];
  layerMap: Alignment["layerMap"];
  paired: Record<string, number>;
  entries: { aligned: number; scored: number; words: number };
  /** RMS of the aligned residual in units of row RMS: how far the suspect's weights are from the master's. */
  change: number;
  notes: string[];
  timings: { alignMs: number; scoreMs: number };
}

function accused(s: RecipientScore, tested: number): Accused {
  const log = Math.min(0, s.logP + Math.log(tested));
  return { recipient: s.recipient, pValue: Math.exp(log), log10P: log / Math.LN10, strength: s.strength };
}

/** Trace a loaded suspect against a loaded master. */
export function traceModels(master: CanonicalModel, suspect: CanonicalModel, o: TraceOptions): TraceResult {
  let t0 = performance.now();
  const al = align(master, suspect, o);
  const alignMs = Math.round(performance.now() - t0);
  t0 = performance.now();
  const tables = keepWords(al.residuals, o.maxWords ?? wordsFor(o.recipients.length));
  const scores = scoreRecipients(tables, o.key, o.model, o.recipients);
  const scoreMs = Math.round(performance.now() - t0);
  const tested = o.recipients.length;
  const all = scores.map((s) => accused(s, tested)).sort((x, y) => x.log10P - y.log10P);
  const named = all.filter((x) => x.pValue <= ACCUSE_LEVEL);
  const notes = [...al.notes];
  if (al.residuals.entries === 0) notes.push("nothing of the suspect could be aligned to the master: no recipient can be named");
  // the residual's size: Σ c·r / Σ c... simpler, from the words' weight (mean 1/σ²)
  const change = tables.weight > 0 ? Math.sqrt(tables.entries / tables.weight) : 0;
  return {
    named, tested, level: ACCUSE_LEVEL, best: all[0] ?? null, frame: al.frame, layerMap: al.layerMap, paired: al.paired,
    entries: { aligned: al.residuals.entries, scored: tables.entries, words: tables.word.length }, change, notes, timings: { alignMs, scoreMs },
  };
}

/** Trace by path; closes the models afterwards. */
export function trace(masterPath: string, suspectPath: string, o: TraceOptions): TraceResult {
  const master = loadModel(masterPath);
  try {
    const suspect = loadModel(suspectPath);
    try {
      return traceModels(master, suspect, o);
    } finally {
      suspect.close();
    }
  } finally {
    master.close();
  }
}
