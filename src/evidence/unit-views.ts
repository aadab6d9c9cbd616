/**
 * @module evidence/unit-views
 * The units a component is made of, each seen through the weights that belong to it, as vectors in
 * the residual stream:
 * - MLP hidden unit i: gate row i and up row i (readers, with the preceding norm gain folded in),
 *   down column i (writer). Mixture-of-experts layers list every expert's units.
 * - attention: query rows and value rows (readers, gain folded).
 * - tokens: embedding rows, head rows (gain folded).
 * Folding gains makes a model whose gains were folded into its matrices (a rotation obfuscation)
 * comparable with its parent.
 */
import type { CanonicalModel } from "../model/canonical.js";
import type { CanonicalTensor } from "../model/canonical-tensor.js";

/** How a unit's views combine into one similarity (the symmetries its units have). */
export type Combine =
  | "gated" // SwiGLU: gate fixed; (up, down) may flip sign or rescale together
  | "plain" // GELU MLP: no sign symmetry
  | "abs"; // a single view whose sign may flip (q rows: rotary-pair scaling and sign)

export interface UnitSet {
  component: string;
  /** Units in the component. */
  n: number;
  /** Residual width. */
  d: number;
  views: string[];
  /** One row-major matrix (rows x d) per view; rows are the units asked for (or all). */
  data: Float32Array[];
  /** Which units the rows are (undefined: all, in order). */
  rows?: Int32Array;
  combine: Combine;
}

export type UnitKind = "mlp" | "attn.q" | "attn.v";

/** Read rows (all, or the listed ones) of a canonical tensor. */
export function readSomeRows(t: CanonicalTensor, rows?: Int32Array): Float32Array {
  if (!rows) return t.read();
  const out = new Float32Array(rows.length * t.cols);
  const order = Array.from(rows.keys()).sort((x, y) => (rows[x] as number) - (rows[y] as number));
  let i = 0;
  while (i < order.length) {
    // coalesce runs of consecutive rows into one read
    let j = i;
    while (j + 1 < order.length && (rows[order[j + 1] as number] as number) === (rows[order[j] as number] as number) + 1) j++;
    const first = rows[order[i] as number] as number;
    const block = t.readRows(first, j - i + 1);
    for (let k = i; k <= j; k++) out.set(block.subarray((k - i) * t.cols, (k - i + 1) * t.cols), (order[k] as number) * t.cols);
    i = j + 1;
  }
  return out;
}

/** Columns (all, or the listed ones) of a canonical tensor, as rows of the result. */
export function readSomeColumns(t: CanonicalTensor, cols?: Int32Array): Float32Array {
  const pick = cols ?? Int32Array.from({ length: t.cols }, (_, i) => i);
  const out = new Float32Array(pick.length * t.rows);
  const chunk = Math.max(1, Math.floor((1 << 22) / t.cols));
  for (let r0 = 0; r0 < t.rows; r0 += chunk) {
    const n = Math.min(chunk, t.rows - r0);
    const block = t.readRows(r0, n);
    for (let r = 0; r < n; r++) {
      for (let k = 0; k < pick.length; k++) out[k * t.rows + r0 + r] = block[r * t.cols + (pick[k] as number)] as number;
    }
  }
  return out;
}

function foldGain(x: Float32Array, rows: number, d: number, gain: Float32Array | undefined): Float32Array {
  if (!gain) return x;
  for (let r = 0; r < rows; r++) for (let j = 0; j < d; j++) x[r * d + j] = (x[r * d + j] as number) * (gain[j] as number);
  return x;
}

function gainOf(m: CanonicalModel, key: string): Float32Array | undefined {
  const g = m.tensors.get(key);
  return g && g.shape.length === 1 ? g.read() : undefined;
}

/** The gain of the norm before layer `l`'s MLP (folded into its input rows), if any. */
export function mlpNormGain(m: CanonicalModel, l: number): Float32Array | undefined {
  return gainOf(m, `layers.${l}.mlp_norm`);
}

/** The experts (or the dense MLP as one expert) of layer `l`: [gate?, up, down] tensors each. */
export function mlpParts(m: CanonicalModel, l: number): Array<{ gate?: CanonicalTensor; up: CanonicalTensor; down: CanonicalTensor }> {
  const t = (k: string) => m.tensors.get(`layers.${l}.${k}`);
  const up = t("mlp.up");
  const down = t("mlp.down");
  if (up && down) return [{ gate: t("mlp.gate"), up, down }];
  const experts: Array<{ gate?: CanonicalTensor; up: CanonicalTensor; down: CanonicalTensor }> = [];
  for (let e = 0; ; e++) {
    const eu = t(`moe.experts.${e}.up`);
    const ed = t(`moe.experts.${e}.down`);
    if (!eu || !ed) break;
    experts.push({ gate: t(`moe.experts.${e}.gate`), up: eu, down: ed });
  }
  return experts;
}

/** How many units a component of layer `l` has (0 when absent). */
export function unitCount(m: CanonicalModel, l: number, kind: UnitKind): number {
  if (kind === "mlp") return mlpParts(m, l).reduce((s, p) => s + p.up.rows, 0);
  return m.tensors.get(`layers.${l}.${kind}`)?.rows ?? 0;
}

/**
 * A large model: MLP layers too big to read them all for a search, or to read the down matrices
 * (above ~8M weights per MLP matrix, about a 1B-parameter llama's).
 */
export function isLarge(m: CanonicalModel): boolean {
  return m.params.ffn * m.params.dim > 8e6;
}

export function residualWidth(m: CanonicalModel): number {
  return m.tensors.get("embed")?.cols ?? m.params.dim;
}

/** The MLP of layer `l` as units: its parts, norm gain, width, unit count and views (null when unreadable). */
function mlpLayer(m: CanonicalModel, l: number) {
  const d = residualWidth(m);
  const parts = mlpParts(m, l);
  if (parts.length === 0 || parts.some((p) => p.up.cols !== d || p.down.rows !== d)) return null;
  const gated = parts.every((p) => p.gate);
  const n = parts.reduce((s, p) => s + p.up.rows, 0);
  return { d, parts, gain: gainOf(m, `layers.${l}.mlp_norm`), gated, n, views: gated ? ["gate", "up"] : ["up"] };
}

/** Which residual columns to keep, and a sign for each (a frame restricted to some coordinates). */
export interface ColumnPick {
  col: Int32Array;
  sign: Float32Array;
}

const COLUMN_CHUNK_BYTES = 4 << 20;

/**
 * Every MLP unit of layer `l` with every view except down, at a few residual columns only (gains
 * folded, signs applied), once per pick, in one streaming pass over the weights with a reused
 * buffer: what a fingerprint with sketch coordinates needs from a wide live model.
 */
export function readUnitColumns(m: CanonicalModel, l: number, picks: ColumnPick[]): UnitSet[] | null {
  const layer = mlpLayer(m, l);
  if (!layer) return null;
  const { d, parts, gain, gated, n, views } = layer;
  const scaled = picks.map((pk) => Float32Array.from(pk.col, (j, i) => (j >= 0 ? (pk.sign[i] as number) * (gain ? (gain[j] as number) : 1) : 0)));
  const data = picks.map((pk) => views.map(() => new Float32Array(n * pk.col.length)));
  const chunk = Math.max(1, Math.floor(COLUMN_CHUNK_BYTES / 4 / d));
  const buf = new Float32Array(chunk * d);
  let base = 0;
  for (const p of parts) {
    const tensors = gated ? [p.gate as CanonicalTensor, p.up] : [p.up];
    tensors.forEach((t, v) => {
      for (let r0 = 0; r0 < t.rows; r0 += chunk) {
        const rows = Math.min(chunk, t.rows - r0);
        const x = t.readRowsInto(r0, rows, buf);
        picks.forEach((pk, f) => {
          const k = pk.col.length;
          const out = (data[f] as Float32Array[])[v] as Float32Array;
          const sc = scaled[f] as Float32Array;
          for (let r = 0; r < rows; r++) {
            const o = r * d;
            const w = (base + r0 + r) * k;
            for (let i = 0; i < k; i++) {
              const j = pk.col[i] as number;
              out[w + i] = j >= 0 ? (sc[i] as number) * (x[o + j] as number) : 0;
            }
          }
        });
      }
    });
    base += p.up.rows;
  }
  return picks.map((pk, f) => ({ component: `layers.${l}.mlp`, n, d: pk.col.length, views, data: data[f] as Float32Array[], combine: gated ? "gated" : "plain" }));
}

/**
 * Every MLP unit of layer `l` (views gate and up, norm gain folded), each row normalised — streamed
 * through a reused buffer instead of materialising, folding and normalising whole matrices in
 * separate passes — with the rows' norms and, when `coords` is given, each normalised row restricted
 * to `coords` and normalised again (the probe sketch). Values equal readUnits + normalisation exactly.
 */
export function readMlpNormalized(m: CanonicalModel, l: number, coords: Int32Array | null): { set: UnitSet; norms: Float64Array[]; sketch: { data: Float32Array[]; norms: Float64Array[] } | null } | null {
  const layer = mlpLayer(m, l);
  if (!layer) return null;
  const { d, parts, gain, gated, n, views } = layer;
  const data = views.map(() => new Float32Array(n * d));
  const norms = views.map(() => new Float64Array(n));
  const k = coords?.length ?? 0;
  const sketch = coords ? { data: views.map(() => new Float32Array(n * k)), norms: views.map(() => new Float64Array(n)) } : null;
  const chunk = Math.max(1, Math.floor(COLUMN_CHUNK_BYTES / 4 / d));
  let base = 0;
  for (const p of parts) {
    const tensors = gated ? [p.gate as CanonicalTensor, p.up] : [p.up];
    tensors.forEach((t, v) => {
      const out = data[v] as Float32Array;
      for (let r0 = 0; r0 < t.rows; r0 += chunk) {
        const rows = Math.min(chunk, t.rows - r0);
        const x = t.readRowsInto(r0, rows, out.subarray((base + r0) * d));
        normaliseRows(x, rows, d, gain, norms[v] as Float64Array, base + r0);
        if (sketch && coords) restrictNormalised(x, rows, d, coords, sketch.data[v] as Float32Array, sketch.norms[v] as Float64Array, norms[v] as Float64Array, base + r0);
      }
    });
    base += p.up.rows;
  }
  return { set: { component: `layers.${l}.mlp`, n, d, views, data, combine: gated ? "gated" : "plain" }, norms, sketch };
}

/** Fold the gain into rows, record their norms, normalise them (in place). */
function normaliseRows(x: Float32Array, rows: number, d: number, gain: Float32Array | undefined, norms: Float64Array, at: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    let s = 0;
    if (gain) {
      for (let j = 0; j < d; j++) {
        const v = Math.fround((x[o + j] as number) * (gain[j] as number));
        x[o + j] = v;
        s += v * v;
      }
    } else {
      for (let j = 0; j < d; j++) {
        const v = x[o + j] as number;
        s += v * v;
      }
    }
    const norm = Math.sqrt(s);
    norms[at + r] = norm;
    const inv = norm > 0 ? 1 / norm : 0;
    for (let j = 0; j < d; j++) x[o + j] = (x[o + j] as number) * inv;
  }
}

/** Normalised rows restricted to `coords` and normalised again, with the restricted raw rows' norms. */
function restrictNormalised(x: Float32Array, rows: number, d: number, coords: Int32Array, out: Float32Array, norms: Float64Array, fullNorms: Float64Array, at: number): void {
  const k = coords.length;
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    const w = (at + r) * k;
    let s = 0;
    for (let i = 0; i < k; i++) {
      const v = x[o + (coords[i] as number)] as number;
      out[w + i] = v;
      s += v * v;
    }
    const norm = Math.sqrt(s);
    norms[at + r] = norm * (fullNorms[at + r] as number);
    const inv = norm > 0 ? 1 / norm : 0;
    for (let i = 0; i < k; i++) out[w + i] = (out[w + i] as number) * inv;
  }
}

/**
 * Read units of layer `l` (all, or those listed) with every view. `withDown` adds the down
 * columns (a full read of each down matrix).
 */
export function readUnits(m: CanonicalModel, l: number, kind: UnitKind, rows?: Int32Array, withDown = true): UnitSet | null {
  const d = residualWidth(m);
  if (kind !== "mlp") {
    const t = m.tensors.get(`layers.${l}.${kind}`);
    if (!t || t.cols !== d) return null;
    const x = foldGain(readSomeRows(t, rows), rows?.length ?? t.rows, d, gainOf(m, `layers.${l}.attn_norm`));
    return { component: `layers.${l}.${kind}`, n: t.rows, d, views: [kind], data: [x], rows, combine: "abs" };
  }
  const layer = mlpLayer(m, l);
  if (!layer) return null;
  const { parts, gain, gated, n } = layer;
  if (!rows && parts.length === 1) {
    // every unit of a dense MLP: read straight into the views, no index bookkeeping
    const p = parts[0] as (typeof parts)[number];
    const data = [...(gated ? [foldGain((p.gate as CanonicalTensor).read(), n, d, gain)] : []), foldGain(p.up.read(), n, d, gain)];
    const views = [...layer.views];
    const downToo = withDown && p.down.dtype !== "absent";
    if (downToo) {
      views.push("down");
      data.push(readSomeColumns(p.down));
    }
    return { component: `layers.${l}.mlp`, n, d, views, data, rows, combine: gated ? "gated" : "plain" };
  }
  // which rows of which part
  const want = rows ?? Int32Array.from({ length: n }, (_, i) => i);
  // fingerprint views carry a stand-in down matrix (dtype "absent") that has no values
  const down = withDown && parts.every((p) => p.down.dtype !== "absent");
  const views = [...layer.views];
  if (down) views.push("down");
  const data = views.map(() => new Float32Array(want.length * d));
  let base = 0;
  for (const p of parts) {
    const local: number[] = [];
    const slots: number[] = [];
    want.forEach((u, i) => {
      if (u >= base && u < base + p.up.rows) {
        local.push(u - base);
        slots.push(i);
      }
    });
    if (local.length > 0) {
      const lr = Int32Array.from(local);
      const put = (view: number, x: Float32Array) => slots.forEach((s, k) => (data[view] as Float32Array).set(x.subarray(k * d, (k + 1) * d), s * d));
      let v = 0;
      if (gated) put(v++, foldGain(readSomeRows(p.gate as CanonicalTensor, lr), lr.length, d, gain));
      put(v++, foldGain(readSomeRows(p.up, lr), lr.length, d, gain));
      if (down) put(v, readSomeColumns(p.down, lr));
    }
    base += p.up.rows;
  }
  return { component: `layers.${l}.mlp`, n, d, views, data, rows, combine: gated ? "gated" : "plain" };
}
