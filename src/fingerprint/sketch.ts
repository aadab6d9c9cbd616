/**
 * @module fingerprint/sketch
 * Row sets stored compactly: int8 values with one float32 scale per row (cosines between rows
 * survive to ~1e-3, far below what the tests resolve).
 */

export interface Sketch {
  rows: number;
  cols: number;
  q: Int8Array;
  scale: Float32Array;
}

export function toSketch(x: Float32Array, rows: number, cols: number): Sketch {
  const q = new Int8Array(rows * cols);
  const scale = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let m = 0;
    for (let j = 0; j < cols; j++) m = Math.max(m, Math.abs(x[r * cols + j] as number));
    const s = m > 0 ? m / 127 : 0;
    scale[r] = s;
    const inv = s > 0 ? 1 / s : 0;
    for (let j = 0; j < cols; j++) q[r * cols + j] = Math.round((x[r * cols + j] as number) * inv);
  }
  return { rows, cols, q, scale };
}

export function fromSketch(s: Sketch, rows?: Int32Array): Float32Array {
  const pick = rows ?? Int32Array.from({ length: s.rows }, (_, i) => i);
  const out = new Float32Array(pick.length * s.cols);
  for (let i = 0; i < pick.length; i++) {
    const r = pick[i] as number;
    const sc = s.scale[r] as number;
    for (let j = 0; j < s.cols; j++) out[i * s.cols + j] = (s.q[r * s.cols + j] as number) * sc;
  }
  return out;
}

/** Keep columns `cols` of a sketch (e.g. the anchors two fingerprints share). */
export function sketchColumns(s: Sketch, cols: Int32Array): Sketch {
  const k = cols.length;
  const q = new Int8Array(s.rows * k);
  for (let r = 0; r < s.rows; r++) for (let j = 0; j < k; j++) q[r * k + j] = s.q[r * s.cols + (cols[j] as number)] as number;
  return { rows: s.rows, cols: k, q, scale: s.scale.slice() };
}

export function sketchBytes(s: Sketch): number {
  return s.q.length + 4 * s.scale.length;
}

/** Median over rows of the int8 rounding error relative to the row's RMS: the resolution a sketch keeps. */
export function sketchNoise(s: Sketch): number {
  const rel: number[] = [];
  for (let r = 0; r < s.rows; r++) {
    let ss = 0;
    for (let j = 0; j < s.cols; j++) ss += (s.q[r * s.cols + j] as number) ** 2;
    const rms = Math.sqrt(ss / s.cols) * (s.scale[r] as number);
    if (rms > 0) rel.push((s.scale[r] as number) / Math.sqrt(12) / rms);
  }
  rel.sort((a, b) => a - b);
  return rel.length ? (rel[rel.length >> 1] as number) : 0;
}
