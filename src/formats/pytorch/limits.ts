/**
 * @module formats/pytorch/limits
 * Bounds on what a torch checkpoint may make pedigree do. The pickle is attacker-controlled: every
 * count, length and nesting level it declares is checked against these and against its own size.
 */

/** data.pkl is a few KB to a few MB in real checkpoints (it holds names and shapes, not weights). */
export const MAX_PICKLE_BYTES = 256 << 20;
/** A deflated storage is inflated into memory only up to this size (torch itself never compresses). */
export const MAX_INFLATED_STORAGE = 64 << 20;
/** Values on the unpickler's stack at once (CPython batches APPENDS/SETITEMS by 1000). */
export const MAX_STACK = 1 << 22;
/** Open MARKs at once: one per tuple/list being built inside another. */
export const MAX_MARKS = 1000;
/** Memo entries (each BINPUT/MEMOIZE adds one; a 200k-token vocab needs well under a million). */
export const MAX_MEMO = 1 << 22;
/** Containers nested inside containers in the result (a state dict is 2-5 deep). */
export const MAX_NESTING = 100;
/** Bytes of one LONG1/LONG4 integer (seeds and counters fit in 16). */
export const MAX_LONG_BYTES = 1024;
/** One protocol-0 text line (GLOBAL module/name, INT, FLOAT, GET/PUT). */
export const MAX_LINE = 1024;
/** Tensor dimensions. */
export const MAX_DIMS = 64;
/** Values visited when turning the checkpoint's non-tensor data into JSON (guards shared-reference blowup). */
export const MAX_EXTRA_VALUES = 2_000_000;
/** Elements a view may have beyond its storage's own (a small broadcast, e.g. a bias saved expanded). */
export const MAX_BROADCAST_ELEMENTS = 1 << 20;
