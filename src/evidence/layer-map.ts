/**
 * @module evidence/layer-map
 * Which layer of A each layer of B comes from. Every B layer's MLP units are tested against A's
 * layers: the same-index layer first, then (if that fails or depths differ) every A layer, with a
 * small probe sample to pick the candidate and a full sample to test it. A layer map found this way
 * allows dropped, duplicated and reordered layers; each B layer gets its own p-value. The tested
 * cells form the evidence heatmap.
 */
import type { CanonicalModel } from "../model/canonical.js";
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
}

const ACCEPT = Math.log(1e-12);
const PROBE_SAMPLE = 32;

export function layerCount(m: CanonicalModel): number {
  return m.params.nLayers;
}

export function mapLayers(a: CanonicalModel, b: CanonicalModel, frame: Frame, cache: ComponentCache, opts: UnitTestOptions, exhaustive: boolean): LayerMapResult {
  const LA = layerCount(a);
  const LB = layerCount(b);
  const heat = Array.from({ length: LB }, () => new Array<number>(LA).fill(NaN));
  const probed = Array.from({ length: LB }, () => new Array<boolean>(LA).fill(false));
  const layers: LayerEvidence[] = [];
  for (let lb = 0; lb < LB; lb++) {
    let best: UnitTestResult | null = null;
    const consider = (r: UnitTestResult | null) => {
      if (r && (!best || r.logP < best.logP)) best = r;
    };
    if (exhaustive) {
      for (let la = 0; la < LA; la++) {
        const r = unitTest(a, la, b, lb, "mlp", frame, cache, opts);
        if (r) (heat[lb] as number[])[la] = r.logP;
        consider(r);
      }
    } else {
      if (lb < LA) {
        const r = unitTest(a, lb, b, lb, "mlp", frame, cache, opts);
        if (r) (heat[lb] as number[])[lb] = r.logP;
        consider(r);
      }
      const cur = best as UnitTestResult | null;
      if (!cur || cur.logP > ACCEPT) {
        let probeBest: { la: number; logP: number } | null = null;
        for (let la = 0; la < LA; la++) {
          if (la === lb) continue;
          const r = unitTest(a, la, b, lb, "mlp", frame, cache, { ...opts, sample: PROBE_SAMPLE });
          if (!r) continue;
          (heat[lb] as number[])[la] = r.logP;
          (probed[lb] as boolean[])[la] = true;
          if (!probeBest || r.logP < probeBest.logP) probeBest = { la, logP: r.logP };
        }
        if (probeBest) {
          const r = unitTest(a, probeBest.la, b, lb, "mlp", frame, cache, opts);
          if (r) {
            (heat[lb] as number[])[probeBest.la] = r.logP;
            (probed[lb] as boolean[])[probeBest.la] = false;
          }
          consider(r);
        }
      }
    }
    const found = best as UnitTestResult | null;
    layers.push({ b: lb, a: found ? found.a : null, result: found, searched: LA });
  }
  return { layers, heat, probed };
}
