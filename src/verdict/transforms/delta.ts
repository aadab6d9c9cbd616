/**
 * @module verdict/transforms/delta
 * The shape of the change from A to B in one aligned layer: its relative size, its effective rank
 * (a merged LoRA is low-rank; fine-tuning and continued pre-training are dense; added i.i.d. noise
 * is full-rank and Gaussian), computed on the matched units of the layer's gate (or up) matrix.
 */
import type { CanonicalModel } from "../../model/canonical.js";
import { mat, svd } from "../../numeric/linalg.js";
import { toFrameA, type Frame } from "../../evidence/frame.js";
import type { UnitTestResult } from "../../evidence/unit-test.js";
import { selectColumns } from "../../evidence/similarity.js";
import { readUnits } from "../../evidence/unit-views.js";

export interface DeltaShape {
  /** ||Δ||_F / ||A||_F over the matched units. */
  relative: number;
  /** Shape of Δ (matched units x residual width). */
  rows: number;
  cols: number;
  /** Singular values needed for 90 % of ||Δ||². */
  rank90: number;
  /** Of how many possible. */
  fullRank: number;
  /** ||Δ||² / σ₁², divided by fullRank (≈ 0.2-0.4 for i.i.d. noise, small for structured change). */
  stableFraction: number;
  /** Excess kurtosis of Δ's entries (≈ 0 for Gaussian noise). */
  kurtosis: number;
  /** std(Δ) / std(A): noise as a fraction of the tensor's spread. */
  spreadRatio: number;
}

/** Δ on the matched units of one layer pair (small layers only: the SVD is O(k·d²)). */
export function deltaShape(a: CanonicalModel, b: CanonicalModel, r: UnitTestResult, frame: Frame): DeltaShape | null {
  const k = r.matches.length;
  // a frame onto some coordinates is compared there
  const d = frame.coords?.length ?? frame.dim;
  if (k < 8 || d > 1024 || k * d > 4e6) return null;
  const A = readUnits(a, r.a, "mlp", Int32Array.from(r.matches, (x) => x.a), false);
  const B = readUnits(b, r.b, "mlp", Int32Array.from(r.matches, (x) => x.b), false);
  if (!A || !B) return null;
  const onCoords = (x: Float32Array) => (frame.coords ? selectColumns(x, k, frame.dim, frame.coords) : x);
  const xa = onCoords(A.data[0] as Float32Array);
  const xb = onCoords(toFrameA(frame, B.data[0] as Float32Array, k));
  const delta = new Float64Array(k * d);
  let dd = 0;
  let aa = 0;
  let mean = 0;
  let aMean = 0;
  for (let i = 0; i < k * d; i++) {
    const v = (xb[i] as number) - (xa[i] as number);
    delta[i] = v;
    dd += v * v;
    aa += (xa[i] as number) ** 2;
    mean += v;
    aMean += xa[i] as number;
  }
  const n = k * d;
  mean /= n;
  aMean /= n;
  let m2 = 0;
  let m4 = 0;
  let aVar = 0;
  for (let i = 0; i < n; i++) {
    const c = (delta[i] as number) - mean;
    m2 += c * c;
    m4 += c ** 4;
    aVar += ((xa[i] as number) - aMean) ** 2;
  }
  m2 /= n;
  m4 /= n;
  aVar /= n;
  const relative = aa > 0 ? Math.sqrt(dd / aa) : 0;
  if (dd === 0) return { rows: k, cols: d, relative: 0, rank90: 0, fullRank: Math.min(k, d), stableFraction: 0, kurtosis: 0, spreadRatio: 0 };
  // singular values of Δ (k x d): SVD of the taller orientation
  const tall = k >= d ? mat(k, d, delta) : mat(d, k, Float64Array.from({ length: n }, (_, i) => delta[(i % k) * d + Math.floor(i / k)] as number));
  const s = Array.from(svd(tall, 12).s).sort((x, y) => y - x);
  const energy = s.reduce((acc, x) => acc + x * x, 0);
  let run = 0;
  let rank90 = 0;
  while (rank90 < s.length && run < 0.9 * energy) run += (s[rank90++] as number) ** 2;
  const fullRank = Math.min(k, d);
  return {
    rows: k, cols: d, relative, rank90, fullRank, stableFraction: energy / (s[0] as number) ** 2 / fullRank,
    kurtosis: m4 / (m2 * m2) - 3, spreadRatio: aVar > 0 ? Math.sqrt(m2 / aVar) : 0,
  };
}
