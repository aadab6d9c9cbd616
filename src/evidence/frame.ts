/**
 * @module evidence/frame
 * A residual-stream frame: how B's residual coordinates map onto A's. Every weight that reads or
 * writes the residual stream is compared after mapping B's vectors into A's coordinates:
 * - identity: the same basis (no obfuscation, or none needed);
 * - signed permutation: B dim r is ±A dim perm[r] (llama permute obfuscation, sign flips);
 * - rotation: x_A = x_B·Rᵀ for an orthogonal R (gain-folded residual rotation).
 */

export type FrameKind = "identity" | "signed-permutation" | "rotation";

export interface Frame {
  kind: FrameKind;
  dim: number;
  /** signed-permutation: A coordinate of each B coordinate. */
  perm?: Int32Array;
  /** signed-permutation: +1 or -1 per B coordinate. */
  sign?: Float32Array;
  /** rotation: R (dim x dim, row-major) with E_B ≈ E_A·R. */
  rotation?: Float64Array;
  /** How well the frame was supported (e.g. fraction of dims matched), for reports. */
  support: number;
  /** What it was estimated from. */
  source: string;
}

export function identityFrame(dim: number): Frame {
  return { kind: "identity", dim, support: 1, source: "none needed" };
}

/** Map `rows` B vectors (row-major, `dim` each) into A's coordinates. */
export function toFrameA(f: Frame, x: Float32Array, rows: number): Float32Array {
  const d = f.dim;
  if (f.kind === "identity") return x;
  const out = new Float32Array(rows * d);
  if (f.kind === "signed-permutation") {
    const perm = f.perm as Int32Array;
    const sign = f.sign as Float32Array;
    for (let r = 0; r < rows; r++) {
      const o = r * d;
      for (let j = 0; j < d; j++) out[o + (perm[j] as number)] = (sign[j] as number) * (x[o + j] as number);
    }
    return out;
  }
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
