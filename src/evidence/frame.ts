/**
 * @module evidence/frame
 * A residual-stream frame: how B's residual coordinates map onto A's. Every weight that reads or
 * writes the residual stream is compared after mapping B's vectors into A's coordinates:
 * - identity: the same basis (no obfuscation, or none needed);
 * - signed permutation: B dim r is ±A dim perm[r] (llama permute obfuscation, sign flips); with
 *   `dimB`, B's residual stream is narrower or wider than A's (residual-width pruning): B dims map
 *   onto some of A's (`coords`), a B dim with perm -1 onto none, and tests compare on `coords`;
 * - rotation: x_A = x_B·Rᵀ for an orthogonal R (gain-folded residual rotation); for wide models
 *   only some of R's rows, onto some of A's coordinates (`coords`), and tests compare on those;
 *   with `dimB`, those rows are a semi-orthogonal map from B's narrower or wider stream.
 */
import { dotsWasm } from "../numeric/wasm/dots.js";

export type FrameKind = "identity" | "signed-permutation" | "rotation";

export interface Frame {
  kind: FrameKind;
  /** A's residual width: mapped vectors have this many coordinates. */
  dim: number;
  /** B's residual width when it differs from A's (signed-permutation only). */
  dimB?: number;
  /** signed-permutation: A coordinate of each B coordinate (-1: none, with `dimB`). */
  perm?: Int32Array;
  /** signed-permutation: +1 or -1 per B coordinate. */
  sign?: Float32Array;
  /** rotation: R (dim x dim, row-major) with E_B ≈ E_A·R; with `coords`, only R's rows for them (each of width `dimB` when set). */
  rotation?: Float64Array;
  /** rotation onto these A coordinates only (ascending): mapped vectors are zero elsewhere. */
  coords?: Int32Array;
  /** How well the frame was supported (e.g. fraction of dims matched), for reports. */
  support: number;
  /** What it was estimated from. */
  source: string;
}

export function identityFrame(dim: number): Frame {
  return { kind: "identity", dim, support: 1, source: "none needed" };
}

/** B's residual width under this frame. */
export function widthB(f: Frame): number {
  return f.dimB ?? f.dim;
}

/** Map `rows` B vectors (row-major, `widthB(f)` each) into A's coordinates (`f.dim` each). */
export function toFrameA(f: Frame, x: Float32Array, rows: number): Float32Array {
  const d = f.dim;
  if (f.kind === "identity") return x;
  const out = new Float32Array(rows * d);
  if (f.kind === "signed-permutation") {
    const perm = f.perm as Int32Array;
    const sign = f.sign as Float32Array;
    const db = widthB(f);
    for (let r = 0; r < rows; r++) {
      const o = r * d;
      const ob = r * db;
      for (let j = 0; j < db; j++) {
        const to = perm[j] as number;
        if (to >= 0) out[o + to] = (sign[j] as number) * (x[ob + j] as number);
      }
    }
    return out;
  }
  if (f.coords) return toCoords(f, f.coords, x, rows);
  // rotation: x_A[k] = Σ_j x_B[j] · R[k][j]
  const R = f.rotation as Float64Array;
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    for (let k = 0; k < d; k++) {
      let s = 0;
      const ro = k * d;
      for (let j = 0; j < d; j++) s += (x[o + j] as number) * (R[ro + j] as number);
      out[o + k] = s;
    }
  }
  return out;
}

const rows32 = new WeakMap<Float64Array, Float32Array>();

/** x_A[coords[i]] = Σ_j x_B[j]·R[i][j] (the kernel does the products), zero at other coordinates. */
function toCoords(f: Frame, coords: Int32Array, x: Float32Array, rows: number): Float32Array {
  const d = f.dim;
  const db = widthB(f);
  const R = f.rotation as Float64Array;
  let r32 = rows32.get(R);
  if (!r32) {
    r32 = Float32Array.from(R);
    rows32.set(R, r32);
  }
  const s = coords.length;
  const y = dotsWasm(x, rows, r32, s, db);
  const out = new Float32Array(rows * d);
  for (let r = 0; r < rows; r++) for (let i = 0; i < s; i++) out[r * d + (coords[i] as number)] = y[r * s + i] as number;
  return out;
}
