/**
 * @module formats/tokenizer/bpe-merge
 * The BPE merge loop shared by every BPE encoder: repeatedly merge the adjacent pair with the
 * highest priority, the leftmost one among equals — what llama2.c run.c encode() does with a
 * quadratic scan, done here with a heap over a linked list (SentencePiece bpe_model.cc's way), so
 * long texts stay O(n log n). The result is the same: the heap always holds every current adjacent
 * pair, ordered by (priority desc, position asc), and stale entries are dropped when popped.
 */

/** What merging a pair gives: the merged token and its priority (higher merges first). */
export interface PairMerge {
  id: number;
  priority: number;
}

export type PairRule = (left: number, right: number) => PairMerge | undefined;

interface Candidate {
  priority: number;
  left: number;
  right: number;
  leftId: number;
  rightId: number;
  id: number;
}

/** Max-heap on priority, then min on position. */
class CandidateHeap {
  private readonly items: Candidate[] = [];

  get size(): number {
    return this.items.length;
  }

  private before(a: Candidate, b: Candidate): boolean {
    return a.priority > b.priority || (a.priority === b.priority && a.left < b.left);
  }

  push(c: Candidate): void {
    const h = this.items;
    h.push(c);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p];
      if (parent === undefined || !this.before(c, parent)) break;
      h[i] = parent;
      i = p;
    }
    h[i] = c;
  }

  pop(): Candidate | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined || h.length === 0) return top;
    let i = 0;
    const n = h.length;
    while (true) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const left = h[l];
      const right = h[r];
      let child = l;
      let best = left;
      if (right !== undefined && left !== undefined && this.before(right, left)) {
        child = r;
        best = right;
      }
      if (best === undefined || !this.before(best, last)) break;
      h[i] = best;
      i = child;
    }
    h[i] = last;
    return top;
  }
}

/** Merges `ids` (a word's initial symbols) by `rule` until no adjacent pair merges. */
export function mergePairs(ids: readonly number[], rule: PairRule): number[] {
  const n = ids.length;
  if (n < 2) return ids.slice();
  const sym = Int32Array.from(ids);
  const next = new Int32Array(n);
  const prev = new Int32Array(n);
  const alive = new Uint8Array(n).fill(1);
  for (let i = 0; i < n; i++) {
    next[i] = i + 1 < n ? i + 1 : -1;
    prev[i] = i - 1;
  }
  const heap = new CandidateHeap();
  const consider = (left: number, right: number): void => {
    if (left < 0 || right < 0) return;
    const leftId = sym[left] ?? -1;
    const rightId = sym[right] ?? -1;
    const m = rule(leftId, rightId);
    if (m) heap.push({ priority: m.priority, left, right, leftId, rightId, id: m.id });
  };
  for (let i = 0; i + 1 < n; i++) consider(i, i + 1);
  while (heap.size > 0) {
    const c = heap.pop();
    if (c === undefined) break;
    const { left, right } = c;
    // Stale: one side already merged away, or changed since this candidate was made.
    if (alive[left] !== 1 || alive[right] !== 1 || next[left] !== right || sym[left] !== c.leftId || sym[right] !== c.rightId) continue;
    sym[left] = c.id;
    alive[right] = 0;
    const after = next[right] ?? -1;
    next[left] = after;
    if (after >= 0) prev[after] = left;
    consider(prev[left] ?? -1, left);
    consider(left, after);
  }
  const out: number[] = [];
  for (let i = 0; i >= 0; i = next[i] ?? -1) out.push(sym[i] ?? -1);
  return out;
}
