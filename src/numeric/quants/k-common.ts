/**
 * @module numeric/quants/k-common
 * Helpers of ggml's K-quant reference quantizers (make_qkx2_quants, make_qx_quants, make_q3_quants) and
 * the 6-bit scale/min packing of Q4_K and Q5_K. Every float operation is rounded to float32 in ggml's
 * order. Ported from ggml-org/ggml src/ggml-quants.c (MIT).
 */
import { f16At, fround, nearestInt, putF16 } from "./common.js";

export const GROUP_MAX_EPS = Math.fround(1e-15);
const F01 = Math.fround(0.1);

/** get_scale_min_k4: the 6-bit scale (and, via `mins`, min) of sub-block j from the 12 packed bytes at q[o..]. */
export function scaleK4(j: number, q: Uint8Array, o: number): number {
  return j < 4 ? (q[o + j] as number) & 63 : ((q[o + j + 4] as number) & 0xf) | (((q[o + j - 4] as number) >> 6) << 4);
}

export function minK4(j: number, q: Uint8Array, o: number): number {
  return j < 4 ? (q[o + j + 4] as number) & 63 : ((q[o + j + 4] as number) >> 4) | (((q[o + j] as number) >> 6) << 4);
}

/** Pack eight 6-bit scale/min pairs into 12 bytes at dst[o..] as Q4_K and Q5_K store them. */
export function packScalesK4(dst: Uint8Array, o: number, ls: Uint8Array, lm: Uint8Array): void {
  for (let j = 0; j < 8; j++) {
    const s = ls[j] as number;
    const m = lm[j] as number;
    if (j < 4) {
      dst[o + j] = s;
      dst[o + j + 4] = m;
    } else {
      dst[o + j + 4] = (s & 0xf) | ((m & 0xf) << 4);
      dst[o + j - 4] = (dst[o + j - 4] as number) | ((s >> 4) << 6);
      dst[o + j] = (dst[o + j] as number) | ((m >> 4) << 6);
    }
  }
}

/**
 * make_qkx2_quants: scale and min for n values x[x0..] with levels 0..nmax, weighted; writes the levels
 * to L[l0..] and returns [scale, -min] through `out`.
 */
export function makeQkx2Quants(
  n: number, nmax: number, x: Float32Array, x0: number, weights: Float32Array, L: Uint8Array, l0: number,
  Laux: Uint8Array, rmin: number, rdelta: number, nstep: number, useMad: boolean, out: Float32Array,
): void {
  let min = x[x0] as number;
  let max = min;
  let sumW = weights[0] as number;
  let sumX = Math.fround(sumW * min);
  for (let i = 1; i < n; i++) {
    const xi = x[x0 + i] as number;
    if (xi < min) min = xi;
    if (xi > max) max = xi;
    const w = weights[i] as number;
    sumW = Math.fround(sumW + w);
    sumX = Math.fround(sumX + Math.fround(w * xi));
  }
  if (min > 0) min = 0;
  if (max === min) {
    L.fill(0, l0, l0 + n);
    out[0] = 0;
    out[1] = -min;
    return;
  }
  let iscale = Math.fround(nmax / Math.fround(max - min));
  let scale = Math.fround(1 / iscale);
  let bestError = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[x0 + i] as number;
    const l = Math.max(0, Math.min(nmax, nearestInt(Math.fround(iscale * Math.fround(xi - min)))));
    L[l0 + i] = l;
    let diff = Math.fround(Math.fround(Math.fround(scale * l) + min) - xi);
    diff = useMad ? Math.abs(diff) : Math.fround(diff * diff);
    bestError = Math.fround(bestError + Math.fround((weights[i] as number) * diff));
  }
  if (nstep < 1) {
    out[0] = scale;
    out[1] = -min;
    return;
  }
  for (let is = 0; is <= nstep; is++) {
    // min moves to the best fit found so far, and ggml divides by the current max - min
    iscale = Math.fround(Math.fround(Math.fround(rmin + Math.fround(rdelta * is)) + nmax) / Math.fround(max - min));
    let sumL = 0;
    let sumL2 = 0;
    let sumXL = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[x0 + i] as number;
      const l = Math.max(0, Math.min(nmax, nearestInt(Math.fround(iscale * Math.fround(xi - min)))));
      Laux[i] = l;
      const wl = Math.fround((weights[i] as number) * l);
      sumL = Math.fround(sumL + wl);
      sumL2 = Math.fround(sumL2 + Math.fround(wl * l));
      sumXL = Math.fround(sumXL + Math.fround(wl * xi));
    }
    const D = Math.fround(Math.fround(sumW * sumL2) - Math.fround(sumL * sumL));
    if (D > 0) {
      let thisScale = Math.fround(Math.fround(Math.fround(sumW * sumXL) - Math.fround(sumX * sumL)) / D);
      let thisMin = Math.fround(Math.fround(Math.fround(sumL2 * sumX) - Math.fround(sumL * sumXL)) / D);
      if (thisMin > 0) {
        thisMin = 0;
        thisScale = Math.fround(sumXL / sumL2);
      }
      let curError = 0;
      for (let i = 0; i < n; i++) {
        let diff = Math.fround(Math.fround(Math.fround(thisScale * (Laux[i] as number)) + thisMin) - (x[x0 + i] as number));
        diff = useMad ? Math.abs(diff) : Math.fround(diff * diff);
        curError = Math.fround(curError + Math.fround((weights[i] as number) * diff));
      }
      if (curError < bestError) {
        for (let i = 0; i < n; i++) L[l0 + i] = Laux[i] as number;
        bestError = curError;
        scale = thisScale;
        min = thisMin;
      }
    }
  }
  out[0] = scale;
  out[1] = -min;
}

/** make_qx_quants with rmse_type 1 and no importance weights (weights x^2): symmetric levels -nmax..nmax-1, stored +nmax. */
export function makeQxQuants(n: number, nmax: number, x: Float32Array, x0: number, L: Uint8Array, l0: number): number {
  let max = 0;
  let amax = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[x0 + i] as number;
    const ax = Math.abs(xi);
    if (ax > amax) {
      amax = ax;
      max = xi;
    }
  }
  if (amax < GROUP_MAX_EPS) {
    L.fill(0, l0, l0 + n);
    return 0;
  }
  let iscale = Math.fround(-nmax / max);
  let sumlx = 0;
  let suml2 = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[x0 + i] as number;
    const l = Math.max(-nmax, Math.min(nmax - 1, nearestInt(Math.fround(iscale * xi))));
    L[l0 + i] = l + nmax;
    const w = Math.fround(xi * xi);
    sumlx = Math.fround(sumlx + Math.fround(Math.fround(w * xi) * l));
    suml2 = Math.fround(suml2 + Math.fround(Math.fround(w * l) * l));
  }
  let scale = suml2 !== 0 ? Math.fround(sumlx / suml2) : 0;
  let best = Math.fround(scale * sumlx);
  for (let is = -9; is <= 9; is++) {
    if (is === 0) continue;
    iscale = Math.fround(-Math.fround(nmax + Math.fround(F01 * is)) / max);
    sumlx = 0;
    suml2 = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[x0 + i] as number;
      const l = Math.max(-nmax, Math.min(nmax - 1, nearestInt(Math.fround(iscale * xi))));
      const w = Math.fround(xi * xi);
      sumlx = Math.fround(sumlx + Math.fround(Math.fround(w * xi) * l));
      suml2 = Math.fround(suml2 + Math.fround(Math.fround(w * l) * l));
    }
    if (suml2 > 0 && Math.fround(sumlx * sumlx) > Math.fround(best * suml2)) {
      for (let i = 0; i < n; i++) {
        L[l0 + i] = nmax + Math.max(-nmax, Math.min(nmax - 1, nearestInt(Math.fround(iscale * (x[x0 + i] as number)))));
      }
      scale = Math.fround(sumlx / suml2);
      best = Math.fround(scale * sumlx);
    }
  }
  return scale;
}

/** make_q3_quants with do_rmse: levels -nmax..nmax-1 refined by coordinate descent, stored +nmax. `Li` is int scratch of n. */
export function makeQ3Quants(n: number, nmax: number, x: Float32Array, x0: number, L: Uint8Array, l0: number, Li: Int8Array): number {
  let max = 0;
  let amax = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[x0 + i] as number;
    const ax = Math.abs(xi);
    if (ax > amax) {
      amax = ax;
      max = xi;
    }
  }
  if (amax < GROUP_MAX_EPS) {
    L.fill(0, l0, l0 + n);
    return 0;
  }
  const iscale = Math.fround(-nmax / max);
  let sumlx = 0;
  let suml2 = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[x0 + i] as number;
    const l = Math.max(-nmax, Math.min(nmax - 1, nearestInt(Math.fround(iscale * xi))));
    Li[i] = l;
    const w = Math.fround(xi * xi);
    sumlx = Math.fround(sumlx + Math.fround(Math.fround(w * xi) * l));
    suml2 = Math.fround(suml2 + Math.fround(Math.fround(w * l) * l));
  }
  for (let itry = 0; itry < 5; itry++) {
    let nChanged = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[x0 + i] as number;
      const w = Math.fround(xi * xi);
      const li = Li[i] as number;
      let slx = Math.fround(sumlx - Math.fround(Math.fround(w * xi) * li));
      if (slx > 0) {
        let sl2 = Math.fround(suml2 - Math.fround(Math.fround(w * li) * li));
        let newL = nearestInt(Math.fround(Math.fround(xi * sl2) / slx));
        newL = Math.max(-nmax, Math.min(nmax - 1, newL));
        if (newL !== li) {
          slx = Math.fround(slx + Math.fround(Math.fround(w * xi) * newL));
          sl2 = Math.fround(sl2 + Math.fround(Math.fround(w * newL) * newL));
          if (sl2 > 0 && Math.fround(Math.fround(slx * slx) * suml2) > Math.fround(Math.fround(sumlx * sumlx) * sl2)) {
            Li[i] = newL;
            sumlx = slx;
            suml2 = sl2;
            nChanged++;
          }
        }
      }
    }
    if (nChanged === 0) break;
  }
  for (let i = 0; i < n; i++) L[l0 + i] = (Li[i] as number) + nmax;
  return suml2 > 0 ? Math.fround(sumlx / suml2) : 0;
}

/** Scratch buffers of quantizeBlockK4 (one set per quantize call). */
export function k4Scratch() {
  return { Laux: new Uint8Array(32), weights: new Float32Array(32), mins: new Float32Array(8), scales: new Float32Array(8), ls: new Uint8Array(8), lm: new Uint8Array(8), out: new Float32Array(2) };
}

/**
 * The part Q4_K and Q5_K share of quantizing one super-block (ggml's quantize_row_q4_K_ref /
 * quantize_row_q5_K_ref): a scale and min per 32 values by make_qkx2_quants(nmax, rmin, 0.1, nstep),
 * packed as 6-bit pairs at dst[o+4..o+16) with d and dmin at dst[o..o+4), and every value's level
 * (0..nmax) in L[0..256).
 */
export function quantizeBlockK4(src: Float32Array, x: number, dst: Uint8Array, o: number, nmax: number, rmin: number, nstep: number, L: Uint8Array, s: ReturnType<typeof k4Scratch>): void {
  const { Laux, weights, mins, scales, ls, lm, out } = s;
  const F01 = fround(0.1);
  let maxScale = 0;
  let maxMin = 0;
  for (let j = 0; j < 8; j++) {
    const xj = x + 32 * j;
    let sumX2 = 0;
    for (let l = 0; l < 32; l++) {
      const v = src[xj + l] as number;
      sumX2 = fround(sumX2 + fround(v * v));
    }
    const avX = fround(Math.sqrt(fround(sumX2 / 32)));
    for (let l = 0; l < 32; l++) weights[l] = fround(avX + Math.abs(src[xj + l] as number));
    makeQkx2Quants(32, nmax, src, xj, weights, L, 32 * j, Laux, rmin, F01, nstep, false, out);
    scales[j] = out[0] as number;
    mins[j] = out[1] as number;
    if ((scales[j] as number) > maxScale) maxScale = scales[j] as number;
    if ((mins[j] as number) > maxMin) maxMin = mins[j] as number;
  }
  const invScale = maxScale > 0 ? fround(63 / maxScale) : 0;
  const invMin = maxMin > 0 ? fround(63 / maxMin) : 0;
  for (let j = 0; j < 8; j++) {
    ls[j] = Math.min(63, nearestInt(fround(invScale * (scales[j] as number))) & 0xff);
    lm[j] = Math.min(63, nearestInt(fround(invMin * (mins[j] as number))) & 0xff);
  }
  packScalesK4(dst, o + 4, ls, lm);
  putF16(dst, o, fround(maxScale / 63));
  putF16(dst, o + 2, fround(maxMin / 63));
  const dh = f16At(dst, o);
  const mh = f16At(dst, o + 2);
  for (let j = 0; j < 8; j++) {
    const d = fround(dh * scaleK4(j, dst, o + 4));
    if (d === 0) continue;
    const dm = fround(mh * minK4(j, dst, o + 4));
    for (let ii = 0; ii < 32; ii++) {
      const l = nearestInt(fround(fround((src[x + 32 * j + ii] as number) + dm) / d));
      L[32 * j + ii] = Math.max(0, Math.min(nmax, l));
    }
  }
}
