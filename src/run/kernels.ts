/**
 * @module run/kernels
 * The numeric kernels of the CPU forward pass, on Float32Array, single thread.
 *
 * Precision: inputs and outputs are float32; every dot product, sum and norm is accumulated in a JS
 * number, i.e. in float64 (a product of two float32 values is exact in float64), in a fixed order, and
 * rounded to float32 once when stored. Results are therefore identical from run to run and machine to
 * machine (the order of additions never depends on timing or threads).
 */

/**
 * out[r] = sum_c w[r*cols + c] * x[c] (+ bias[r]) for r < rows: W is [rows, cols] row-major, like a
 * PyTorch Linear weight [out, in]. The hot loop: four independent float64 accumulators.
 */
export function matvec(out: Float32Array, w: Float32Array, x: Float32Array, rows: number, cols: number, bias?: Float32Array, wOffset = 0): void {
  const tail = cols & 3;
  const body = cols - tail;
  let o = wOffset;
  for (let r = 0; r < rows; r++, o += cols) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let c = 0;
    for (; c < body; c += 4) {
      const i = o + c;
      s0 += (w[i] as number) * (x[c] as number);
      s1 += (w[i + 1] as number) * (x[c + 1] as number);
      s2 += (w[i + 2] as number) * (x[c + 2] as number);
      s3 += (w[i + 3] as number) * (x[c + 3] as number);
    }
    for (; c < cols; c++) s0 += (w[o + c] as number) * (x[c] as number);
    out[r] = s0 + s1 + (s2 + s3) + (bias ? (bias[r] as number) : 0);
  }
}

/** Dot product of a[aOff..aOff+n) and b[bOff..bOff+n), float64 accumulation. */
export function dot(a: Float32Array, aOff: number, b: Float32Array, bOff: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    s0 += (a[aOff + i] as number) * (b[bOff + i] as number);
    s1 += (a[aOff + i + 1] as number) * (b[bOff + i + 1] as number);
  }
  if (i < n) s0 += (a[aOff + i] as number) * (b[bOff + i] as number);
  return s0 + s1;
}

/** out = x / sqrt(mean(x^2) + eps) * gain (LLaMA RMSNorm); `out` may be `x`. Works on x[off..off+n). */
export function rmsNorm(out: Float32Array, x: Float32Array, gain: Float32Array, eps: number, n = gain.length, off = 0): void {
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const v = x[off + i] as number;
    ss += v * v;
  }
  const inv = 1 / Math.sqrt(ss / n + eps);
  for (let i = 0; i < n; i++) out[off + i] = (x[off + i] as number) * inv * (gain[i] as number);
}

/** out = (x - mean) / sqrt(var + eps) * weight (+ bias) (PyTorch LayerNorm, biased variance); `out` may be `x`. */
export function layerNorm(out: Float32Array, x: Float32Array, weight: Float32Array, bias: Float32Array | undefined, eps: number): void {
  const n = weight.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += x[i] as number;
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const d = (x[i] as number) - mean;
    sq += d * d;
  }
  const inv = 1 / Math.sqrt(sq / n + eps);
  for (let i = 0; i < n; i++) out[i] = ((x[i] as number) - mean) * inv * (weight[i] as number) + (bias ? (bias[i] as number) : 0);
}

/** In-place softmax of x[off..off+n) (max subtracted first). */
export function softmax(x: Float32Array, n = x.length, off = 0): void {
  let max = -Infinity;
  for (let i = 0; i < n; i++) if ((x[off + i] as number) > max) max = x[off + i] as number;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.exp((x[off + i] as number) - max);
    x[off + i] = e;
    sum += e;
  }
  const inv = 1 / sum;
  for (let i = 0; i < n; i++) x[off + i] = (x[off + i] as number) * inv;
}

export function silu(x: number): number {
  return x / (1 + Math.exp(-x));
}

/**
 * The error function, |error| < 1.2e-7 everywhere (Numerical Recipes' Chebyshev fit to erfc):
 * well below float32 resolution of the GELU it feeds.
 */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
    + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 1 - r : r - 1;
}

/** GELU, exact (erf) form: x * Phi(x). */
export function gelu(x: number): number {
  return 0.5 * x * (1 + erf(x * Math.SQRT1_2));
}

const GELU_C = Math.sqrt(2 / Math.PI);

/** GELU, tanh approximation (GPT-2's `gelu_new`, PyTorch approximate="tanh"). */
export function geluTanh(x: number): number {
  return 0.5 * x * (1 + Math.tanh(GELU_C * (x + 0.044715 * x * x * x)));
}

export function relu(x: number): number {
  return x > 0 ? x : 0;
}

/** Rotary tables for one position: cos/sin of pos * theta^(-2i/ropeDim), i < ropeDim/2. */
export function ropeAngles(pos: number, ropeDim: number, theta: number, cos: Float64Array, sin: Float64Array): void {
  const half = ropeDim >> 1;
  for (let i = 0; i < half; i++) {
    const a = pos * Math.pow(theta, (-2 * i) / ropeDim);
    cos[i] = Math.cos(a);
    sin[i] = Math.sin(a);
  }
}

/** Which pairs of a head rotate together: "hf" (i, i + ropeDim/2; rotate_half) or "meta" (2i, 2i+1; interleaved). */
export type RopeLayout = "hf" | "meta";

/**
 * Rotate `nHeads` heads of `headDim` values in x (from offset 0) in place, the first `ropeDim` values
 * of each head (partial rotary leaves the rest). With layout "hf": x*cos + rotate_half(x)*sin, pairs
 * (i, i+ropeDim/2) — what every canonical (Hugging Face layout) Q/K needs. With "meta": pairs (2i, 2i+1),
 * Meta's / llama2.c's interleaved form, for Q/K rows still in that layout.
 */
export function applyRope(x: Float32Array, nHeads: number, headDim: number, ropeDim: number, cos: Float64Array, sin: Float64Array, layout: RopeLayout = "hf"): void {
  const half = ropeDim >> 1;
  for (let h = 0; h < nHeads; h++) {
    const base = h * headDim;
    for (let i = 0; i < half; i++) {
      const a = layout === "hf" ? base + i : base + 2 * i;
      const b = layout === "hf" ? base + i + half : base + 2 * i + 1;
      const x0 = x[a] as number;
      const x1 = x[b] as number;
      const c = cos[i] as number;
      const s = sin[i] as number;
      x[a] = x0 * c - x1 * s;
      x[b] = x1 * c + x0 * s;
    }
  }
}

/** Index of the largest value (the first one on ties). */
export function argmax(x: Float32Array, off = 0, n = x.length - off): number {
  let best = 0;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = x[off + i] as number;
    if (v > max) {
      max = v;
      best = i;
    }
  }
  return best;
}
