/**
 * @module trace/residuals
 * The aligned residual (suspect in the master's frame minus the master, per weight, in units of
 * the master row's RMS) turned into the coefficients of the trace statistic. A block of residuals
 * (the rows of one view of one component) is weighted by an estimate of its noise — a row factor
 * times a column factor, both from the residual's own mean squares — so badly aligned rows and
 * noisy coordinates count less: c = r / σ². The weights are functions of the residual alone, which
 * is what the null needs (docs/method.md, "Tracing a leaked copy"). Coefficients are kept per
 * master tensor in words of 32 consecutive row-major entries, the unit the patterns come in;
 * coefficients landing on the same entry add.
 */

/** σ² never goes below this (a residual RMS of 1e-4 of the row's RMS): an exact copy stays finite. */
const MIN_VAR = 1e-8;

/** A word's 32 coefficients, then the Σ 1/σ² of its entries. */
export const WORD_SLOTS = 33;

export interface ResidualBlock {
  /** The master tensor (canonical key) the entries belong to. */
  tensor: string;
  rows: number;
  cols: number;
  /** rows x cols normalised residuals; NaN where the entry is not aligned. */
  r: Float64Array;
  /** Master row-major index of entry (i, j). */
  index(i: number, j: number): number;
}

export class Residuals {
  /** tensor -> word -> 32 coefficients and their weight (WORD_SLOTS). */
  readonly words = new Map<string, Map<number, Float32Array>>();
  /** Σ 1/σ² over aligned entries: E[S] = strength × this for a pattern present at that strength. */
  weight = 0;
  /** Aligned entries. */
  entries = 0;
  /** Entries per master tensor. */
  readonly perTensor = new Map<string, number>();

  add(b: ResidualBlock): void {
    const { rows, cols, r } = b;
    const rowMs = new Float64Array(rows);
    const rowN = new Float64Array(rows);
    const colMs = new Float64Array(cols);
    const colN = new Float64Array(cols);
    let total = 0;
    let n = 0;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const v = r[i * cols + j] as number;
        if (Number.isNaN(v)) continue;
        const v2 = v * v;
        rowMs[i] = (rowMs[i] as number) + v2;
        rowN[i] = (rowN[i] as number) + 1;
        colMs[j] = (colMs[j] as number) + v2;
        colN[j] = (colN[j] as number) + 1;
        total += v2;
        n++;
      }
    }
    if (n === 0) return;
    const mean = Math.max(total / n, MIN_VAR);
    let words = this.words.get(b.tensor);
    if (!words) this.words.set(b.tensor, (words = new Map()));
    let lastW = -1;
    let word: Float32Array = new Float32Array(WORD_SLOTS);
    for (let i = 0; i < rows; i++) {
      if (rowN[i] === 0) continue;
      const ri = Math.max((rowMs[i] as number) / (rowN[i] as number), MIN_VAR) / mean;
      for (let j = 0; j < cols; j++) {
        const v = r[i * cols + j] as number;
        if (Number.isNaN(v)) continue;
        const cj = Math.max((colMs[j] as number) / (colN[j] as number), MIN_VAR) / mean;
        const s2 = Math.max(mean * ri * cj, MIN_VAR);
        const k = b.index(i, j);
        const w = Math.floor(k / 32);
        if (w !== lastW) {
          lastW = w;
          const seen = words.get(w);
          if (seen) word = seen;
          else words.set(w, (word = new Float32Array(WORD_SLOTS)));
        }
        word[k - w * 32] = (word[k - w * 32] as number) + v / s2;
        word[32] = (word[32] as number) + 1 / s2;
        this.weight += 1 / s2;
      }
    }
    this.entries += n;
    this.perTensor.set(b.tensor, (this.perTensor.get(b.tensor) ?? 0) + n);
  }

  /** Words held. */
  get wordCount(): number {
    let n = 0;
    for (const m of this.words.values()) n += m.size;
    return n;
  }
}
