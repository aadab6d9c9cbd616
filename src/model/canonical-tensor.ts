/**
 * @module model/canonical-tensor
 * A tensor of the canonical view: a role at a place (layer, expert), in Hugging Face layout, read as
 * float32 rows whatever file, dtype, fusion or layout it came from.
 */
import { parseKey, type Role } from "./roles.js";
import type { RowSource } from "./row-source.js";

export class CanonicalTensor {
  readonly role: Role;
  readonly layer: number | null;
  readonly expert: number | null;
  readonly bias: boolean;

  constructor(
    /** Canonical key, e.g. `layers.3.attn.q`. */
    readonly key: string,
    /** Rows x cols for matrices, [n] for vectors. */
    readonly shape: readonly number[],
    /** Storage type of the source (dtype, or a decoder's label). */
    readonly dtype: string,
    /** The file tensor(s) it is read from, e.g. `blk.3.attn_q.weight` or `c_attn.weight[0:768]`. */
    readonly origin: string,
    private readonly src: RowSource,
  ) {
    const p = parseKey(key);
    this.role = p.role;
    this.layer = p.layer;
    this.expert = p.expert;
    this.bias = p.bias;
  }

  get rows(): number {
    return this.src.rows;
  }
  get cols(): number {
    return this.src.cols;
  }
  get size(): number {
    return this.src.rows * this.src.cols;
  }

  /** Rows [row0, row0 + n) as float32. */
  readRows(row0: number, n: number): Float32Array {
    const out = new Float32Array(n * this.src.cols);
    if (n > 0) this.src.read(row0, n, out);
    return out;
  }

  /** Rows [row0, row0 + n) into `out` (at least n·cols long): streaming without an allocation per read. */
  readRowsInto(row0: number, n: number, out: Float32Array): Float32Array {
    const view = out.subarray(0, n * this.src.cols);
    if (n > 0) this.src.read(row0, n, view);
    return view;
  }

  /** Every value (for tensors that fit in memory). */
  read(): Float32Array {
    return this.readRows(0, this.src.rows);
  }
}
