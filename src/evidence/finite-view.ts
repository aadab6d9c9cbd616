/**
 * @module evidence/finite-view
 * Non-finite weights (NaN, ±Inf) are never evidence. A model is compared through this view: every
 * row read has its non-finite values replaced by 0 (a zero contributes nothing to a cosine or a
 * correlation, so a model of NaNs matches nothing) and counted, so the result can report them.
 * Before this, a model whose weights were all NaN came out DERIVED from unrelated models at
 * p ~ 1e-330: NaN comparisons fell through the matching code as if they were perfect matches.
 */
import type { CanonicalModel } from "../model/canonical.js";
import { CanonicalTensor } from "../model/canonical-tensor.js";

/** Non-finite values met while reading a model, per canonical tensor. */
export class NonFiniteTally {
  values = 0;
  read = 0;
  readonly byTensor = new Map<string, number>();

  add(key: string, bad: number, total: number): void {
    this.read += total;
    if (bad === 0) return;
    this.values += bad;
    this.byTensor.set(key, (this.byTensor.get(key) ?? 0) + bad);
  }

  /** The tensors with the most non-finite values, for a report. */
  worst(n = 5): string[] {
    return [...this.byTensor.entries()].sort((x, y) => y[1] - x[1]).slice(0, n).map(([k]) => k);
  }
}

function zeroNonFinite(out: Float32Array): number {
  let bad = 0;
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i] as number)) {
      out[i] = 0;
      bad++;
    }
  }
  return bad;
}

/** `m` as a model whose reads never return NaN or ±Inf, with the tally of what was replaced. */
export function finiteView(m: CanonicalModel): { model: CanonicalModel; tally: NonFiniteTally } {
  const tally = new NonFiniteTally();
  const tensors = new Map<string, CanonicalTensor>();
  for (const [key, t] of m.tensors) {
    const cols = t.cols;
    tensors.set(key, new CanonicalTensor(key, t.shape, t.dtype, t.origin, {
      rows: t.rows,
      cols,
      vector: t.shape.length === 1,
      read(row0, n, out) {
        const view = t.readRowsInto(row0, n, out);
        tally.add(key, zeroNonFinite(view), view.length);
      },
    }));
  }
  return { model: { ...m, tensors, close: () => m.close() }, tally };
}
