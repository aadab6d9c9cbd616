/**
 * @module evidence/layer-map
 * Which layer of A each layer of B comes from. Every B layer's MLP units are tested against A's
 * layers: the same-index layer first, then (if that fails or depths differ) every A layer, with a
 * small probe sample to pick the candidate and a full sample to test it. A layer map found this way
 * allows dropped, duplicated and reordered layers; each B layer gets its own p-value. The tested
 * cells form the evidence heatmap.
 */
import type { CanonicalModel } from "../model/canonical.js";
import { logBinomialSf } from "../numeric/stats.js";
import { CONVERGENCE_ALLOWANCE, UNIT_LEVEL } from "./exceedance.js";
import type { Frame } from "./frame.js";
import type { ComponentCache} from "./unit-test.js";
import { unitTest, type UnitTestOptions, type UnitTestResult } from "./unit-test.js";

export interface LayerEvidence {
  b: number;
  /** Best A layer (the one tested in full). */
  a: number | null;
  result: UnitTestResult | null;
  /** A layers searched for this B layer (multiple-testing factor). */
  searched: number;
}

export interface LayerMapResult {
  layers: LayerEvidence[];
  /** ln p per (b, a) cell; NaN where not tested. */
  heat: number[][];
  /** Cells tested with the probe sample only. */
  probed: boolean[][];
  /**
   * Every same-index layer pair pooled into one count test (pre-specified, so no search to correct
   * for): decisive when each layer has few units to test (fingerprints of wide models), where no
   * single layer can be.
   */
  diagonal: { tested: number; matched: number; logP: number } | null;
}

const ACCEPT = Math.log(1e-12);
const PROBE_SAMPLE = 32;
/** A probe this weak is not worth a full test (a derived layer's probe is far below it). */
const PROMISING = Math.log(0.05);

export function layerCount(m: CanonicalModel): number {
  return m.params.nLayers;
}

/**
 * `onPair(done, total)` is called after every layer pair tested (the total grows once the layers
 * still unmapped after the same-index pass are known).
 */
export function mapLayers(a: CanonicalModel, b: CanonicalModel, frame: Frame, cache: ComponentCache, opts: UnitTestOptions, exhaustive: boolean, onPair?: (done: number, total: number) => void): LayerMapResult {
  const LA = layerCount(a);
  const LB = layerCount(b);
  let done = 0;
  let total = Math.min(LA, LB);
  const tick = () => onPair?.(++done, Math.max(done, total));
  const heat = Array.from({ length: LB }, () => new Array<number>(LA).fill(NaN));
  const probed = Array.from({ length: LB }, () => new Array<boolean>(LA).fill(false));
  const best: Array<UnitTestResult | null> = new Array(LB).fill(null);
  const consider = (lb: number, r: UnitTestResult | null) => {
    if (!r) return;
    (heat[lb] as number[])[r.a] = r.logP;
    const cur = best[lb];
    if (!cur || r.logP < cur.logP) best[lb] = r;
  };
  // 1. the same layer, in full (each A layer read once)
  let dTested = 0;
  let dMatched = 0;
  for (let lb = 0; lb < LB; lb++) {
    if (lb >= LA) continue;
    const r = unitTest(a, lb, b, lb, "mlp", frame, cache, opts);
    tick();
    if (r) {
      dTested += r.tested;
      dMatched += r.matched;
    }
    consider(lb, r);
  }
  const diagonal = dTested > 0 ? { tested: dTested, matched: dMatched, logP: logBinomialSf(dTested, CONVERGENCE_ALLOWANCE + UNIT_LEVEL, dMatched) } : null;
  const pending = Array.from({ length: LB }, (_, i) => i).filter((lb) => exhaustive || !best[lb] || (best[lb] as UnitTestResult).logP > ACCEPT);
  // 2. probes of every pending B layer against every A layer, A layer by A layer (each read once)
  const probeBest = new Map<number, { la: number; logP: number }>();
  total = done + pending.length * LA + pending.length;
  if (pending.length) {
    for (let la = 0; la < LA; la++) {
      for (const lb of pending) {
        if (la === lb && !exhaustive) continue;
        const r = unitTest(a, la, b, lb, "mlp", frame, cache, exhaustive ? opts : { ...opts, sample: PROBE_SAMPLE, sketched: true });
        tick();
        if (!r) continue;
        if (exhaustive) {
          consider(lb, r);
          continue;
        }
        (heat[lb] as number[])[la] = r.logP;
        (probed[lb] as boolean[])[la] = true;
        const pb = probeBest.get(lb);
        if (!pb || r.logP < pb.logP) probeBest.set(lb, { la, logP: r.logP });
      }
    }
  }
  // 3. the best probe of each pending B layer, in full — unless the probe shows nothing at all
  total = done + [...probeBest.values()].filter((pb) => pb.logP <= PROMISING).length;
  for (const [lb, pb] of [...probeBest.entries()].sort((x, y) => x[1].la - y[1].la)) {
    if (pb.logP > PROMISING) continue;
    const r = unitTest(a, pb.la, b, lb, "mlp", frame, cache, opts);
    tick();
    if (r) (probed[lb] as boolean[])[pb.la] = false;
    consider(lb, r);
  }
  onPair?.(done, done);
  const layers: LayerEvidence[] = best.map((r, lb) => ({ b: lb, a: r ? r.a : null, result: r, searched: LA }));
  return { layers, heat, probed, diagonal };
}
