/**
 * @module lineage/aliases
 * Copies that hold the same weights up to a symmetry (a permuted or rotated residual stream,
 * permuted units, a container change) with no other change, and no evidence of which came first:
 * one node of the tree, the others its aliases joined by an undirected "same weights" edge — never
 * a guessed direction. (Quantized copies are not aliases: quantization says which side is the copy.)
 *
 * Which member stands for the group: the one in the frame the rest of the family shares. A model in
 * A's residual frame is not the child of a permuted or rotated copy of A, so relatives that kept a
 * frame hang from the member in that frame: the member with the most same-frame (identity) derived
 * pairs to models outside the group. Between the members themselves the order stays unknown.
 */
import { isSameWeights, relationName } from "../verdict/transforms/relation.js";
import type { PairVerdict } from "./tree.js";

export interface AliasGroups {
  /** Each aliased model's representative. */
  representative: Map<string, string>;
  /** The pairs joining an alias to its group (undirected). */
  links: PairVerdict[];
}

/** Same weights, and the pair does not say which came first. */
export function undirectedCopy(p: PairVerdict): boolean {
  const d = p.result.direction;
  // two copies quantized to different types are each a copy of a third model, not of each other
  const requantized = p.result.transforms.some((t) => t.kind === "quantized");
  return p.result.verdict === "derived" && !requantized && isSameWeights(p.result.transforms) && (d.parent === "unknown" || d.confidence === "low");
}

export function aliasGroups(names: readonly string[], pairs: readonly PairVerdict[]): AliasGroups {
  const up = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (up.has(r)) r = up.get(r) as string;
    return r;
  };
  const copies = pairs.filter(undirectedCopy);
  for (const p of copies) {
    const ra = find(p.a);
    const rb = find(p.b);
    if (ra !== rb) up.set(ra, rb);
  }
  const groups = new Map<string, string[]>();
  for (const n of names) groups.set(find(n), [...(groups.get(find(n)) ?? []), n]);
  const representative = new Map<string, string>();
  const links: PairVerdict[] = [];
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    const inGroup = new Set(members);
    const sameFrame = (m: string) => pairs.filter((p) => p.result.verdict === "derived" && p.result.frame.kind === "identity" && (p.a === m ? !inGroup.has(p.b) : p.b === m && !inGroup.has(p.a))).length;
    const rep = [...members].sort((x, y) => sameFrame(y) - sameFrame(x) || (x < y ? -1 : 1))[0] as string;
    for (const m of members) {
      if (m === rep) continue;
      representative.set(m, rep);
      const direct = copies.find((p) => (p.a === rep && p.b === m) || (p.a === m && p.b === rep));
      const any = direct ?? copies.find((p) => (p.a === m && inGroup.has(p.b)) || (p.b === m && inGroup.has(p.a)));
      if (any) links.push({ ...any, a: rep, b: m });
    }
  }
  return { representative, links };
}

/** Same weights, and the pair says which came first (a quantized copy of its source): the copy's name, else null. */
export function directedCopy(p: PairVerdict): string | null {
  const d = p.result.direction;
  if (p.result.verdict !== "derived" || !isSameWeights(p.result.transforms) || d.parent === "unknown" || d.confidence === "low") return null;
  return d.parent === "a" ? p.b : p.a;
}

/**
 * Copies with a direction (quantized copies with no other change), each with its source: the
 * closest unquantized relative it is a copy of, preferring one in its own frame. Sources are
 * never copies themselves.
 */
export function copySources(pairs: readonly PairVerdict[], skip: (name: string) => boolean): Map<string, PairVerdict> {
  const best = new Map<string, PairVerdict>();
  const score = (p: PairVerdict) => [p.result.frame.kind === "identity" ? 0 : 1, p.distance ?? p.result.effect.relativeChange ?? 1] as const;
  for (const p of pairs) {
    const copy = directedCopy(p);
    if (!copy || skip(p.a) || skip(p.b)) continue;
    const cur = best.get(copy);
    const [f, d] = score(p);
    if (!cur || f < score(cur)[0] || (f === score(cur)[0] && d < score(cur)[1])) best.set(copy, p);
  }
  // a chain of copies (a copy of a copy) keeps only the copies whose source is no copy
  for (const [copy, p] of [...best]) {
    const src = p.a === copy ? p.b : p.a;
    if (best.has(src)) best.delete(copy);
  }
  return best;
}

/** The relation words for a same-weights link ("permuted copy", "rotated copy", "copy"). */
export function copyRelation(p: PairVerdict): string {
  return `same weights: ${relationName(p.result.transforms)}`;
}
