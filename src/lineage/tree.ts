/**
 * @module lineage/tree
 * Rebuild family trees among fingerprinted models from weight evidence alone:
 * 1. every pair gets a verdict; derived pairs join models into families;
 * 2. each family's root is its medoid — the model closest (median distance) to all others, as a
 *    base model is to its fine-tunes — never a model the evidence marks as a derivative (quantized,
 *    stacked, pruned, upcycled copies);
 * 3. a model whose weights are an affine mixture of two relatives' is their merge (two parents);
 * 4. relatives that kept their unit order hang from the root, or from a relative they are clearly
 *    closer to (fine-tunes of fine-tunes), nearest the root first;
 * 5. the rest (scrambled or restructured copies) hang from their closest placed relative.
 * Before all that, copies with the same weights up to a symmetry and no direction (permuted or rotated
 * copies) become one node (aliases.ts), shown with undirected "same weights" edges; quantized copies
 * with no other change hang from their source by weight evidence. Both still count for the medoid.
 * Metadata hints (release dates, "quantized copies are leaves") are reported separately: an
 * adversary controls them.
 */
import type { CompareResult } from "../verdict/result.js";
import { aliasGroups, copyRelation, copySources } from "./aliases.js";
import { aligned } from "./deltas.js";
import { isMerge, mergeFit } from "./merge-fit.js";

export interface TreeNode {
  name: string;
  /** Fixed-index units (lineage/deltas.ts), for placing order-keeping relatives on paths. */
  vector?: Float64Array | null;
  /** Width of one unit in `vector`. */
  width?: number;
  /** Declared release date (metadata, not evidence). */
  released?: string | null;
  /** Stored quantized (a cue from the file's types). */
  quantized?: boolean;
}

export interface PairVerdict {
  a: string;
  b: string;
  result: CompareResult;
  /** A more precise distance when one is known (same-index units); else the result's effect size. */
  distance?: number | null;
}

export interface TreeEdge {
  parent: string;
  child: string;
  /** Most telling transform on the edge (quantized, fine-tuned, merged, ...). */
  relation: string;
  log10PValue: number;
  distance: number;
  /** Where the direction came from; "undirected": same weights up to a symmetry, which came first unknown (`parent` is the member in the family's frame). */
  direction: "weight-evidence" | "family-structure" | "undirected";
}

export interface FamilyTree {
  families: Array<{ root: string; members: string[] }>;
  edges: TreeEdge[];
  merges: Array<{ child: string; parents: string[]; weights?: number[] }>;
  /** Models related to none of the others. */
  singletons: string[];
  /** Metadata hints kept apart from the weight evidence. */
  hints: string[];
}

const RELATION_ORDER = ["merged", "upcycled", "layers-stacked", "layers-dropped", "pruned", "partial", "component-reuse", "vocab-extended", "vocab-trimmed", "rotated", "permuted", "quantized", "low-rank-update", "noise", "fine-tuned", "identical", "no-other-change", "converted", "weights-changed"];

function relationOf(r: CompareResult): string {
  const kinds = r.transforms.map((t) => t.kind);
  return RELATION_ORDER.find((k) => kinds.includes(k)) ?? "derived";
}

function distanceOf(r: CompareResult): number {
  const rc = r.effect.relativeChange;
  if (rc !== null && Number.isFinite(rc)) return rc;
  return Math.max(0, 1 - r.effect.unitSimilarity);
}

/** Does the evidence mark `name` as the derivative (the child) of this pair? */
function markedChild(p: PairVerdict, name: string): boolean {
  const d = p.result.direction;
  if (d.confidence === "low" || d.parent === "unknown") return false;
  const child = d.parent === "a" ? p.b : p.a;
  return child === name;
}

/**
 * The family trees: same-weight copies with no direction are folded into one node first
 * (aliases.ts) and joined back by undirected "same weights" edges.
 */
export function buildTree(nodes: TreeNode[], pairs: PairVerdict[]): FamilyTree {
  const { representative, links } = aliasGroups(nodes.map((n) => n.name), pairs);
  const sources = copySources(pairs, (x) => representative.has(x));
  const folded = (x: string) => representative.has(x) || sources.has(x);
  // every member still counts for the medoid: a model with copies is that much more central
  const weight = new Map<string, number>();
  const into = (x: string) => representative.get(x) ?? x;
  for (const n of nodes) {if (folded(n.name)) {
    const p = sources.get(n.name);
    const to = p ? into(p.a === n.name ? p.b : p.a) : into(n.name);
    weight.set(to, (weight.get(to) ?? 1) + 1);
  }}
  const t = buildCore(nodes.filter((n) => !folded(n.name)), pairs.filter((p) => !folded(p.a) && !folded(p.b)), weight);
  const join = (parent: string, child: string) => {
    let f = t.families.find((x) => x.members.includes(parent));
    if (!f) {
      t.singletons = t.singletons.filter((x) => x !== parent);
      f = { root: parent, members: [parent] };
      t.families.push(f);
    }
    f.members = [...f.members, child].sort();
  };
  for (const [copy, p] of sources) {
    const src = p.a === copy ? p.b : p.a;
    t.edges.push({ parent: src, child: copy, relation: relationOf(p.result), log10PValue: p.result.logP / Math.LN10, distance: p.distance ?? distanceOf(p.result), direction: "weight-evidence" });
    join(src, copy);
  }
  for (const l of links) {
    t.edges.push({ parent: l.a, child: l.b, relation: copyRelation(l), log10PValue: l.result.logP / Math.LN10, distance: l.distance ?? 0, direction: "undirected" });
    join(l.a, l.b);
  }
  return t;
}

function buildCore(nodes: TreeNode[], pairs: PairVerdict[], weight: Map<string, number>): FamilyTree {
  const names = nodes.map((n) => n.name);
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const derived = pairs.filter((p) => p.result.verdict === "derived");
  const key = (x: string, y: string) => (x < y ? `${x}\u0000${y}` : `${y}\u0000${x}`);
  const dist = new Map<string, number>();
  for (const p of derived) dist.set(key(p.a, p.b), p.distance ?? distanceOf(p.result));
  const pairOf = new Map(derived.map((p) => [key(p.a, p.b), p]));

  // families: connected components of derived edges
  const up = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (up.has(r)) r = up.get(r) as string;
    return r;
  };
  for (const p of derived) {
    const ra = find(p.a);
    const rb = find(p.b);
    if (ra !== rb) up.set(ra, rb);
  }
  const groups = new Map<string, string[]>();
  for (const n of names) groups.set(find(n), [...(groups.get(find(n)) ?? []), n]);

  const edges: TreeEdge[] = [];
  const merges: FamilyTree["merges"] = [];
  const families: FamilyTree["families"] = [];
  const singletons: string[] = [];
  const edge = (parent: string, child: string, relation?: string) => {
    const p = pairOf.get(key(parent, child));
    edges.push({
      parent, child, relation: relation ?? (p ? relationOf(p.result) : "derived"), log10PValue: p ? p.result.logP / Math.LN10 : 0,
      distance: dist.get(key(parent, child)) ?? NaN, direction: p && markedChild(p, child) ? "weight-evidence" : "family-structure",
    });
  };

  for (const members of groups.values()) {
    if (members.length === 1) {
      singletons.push(members[0] as string);
      continue;
    }
    // merges first (they cannot be roots): a model whose fixed units are an affine mixture of two
    // relatives' (v_M − v_Q ≈ x·(v_P − v_Q), 0.2 ≤ x ≤ 0.8, small residual), whatever the root
    const vec = (m: string) => byName.get(m)?.vector ?? null;
    const mergeOf = new Map<string, { p: string; q: string; x: number; residual: number }>();
    for (const m of members) {
      const vm = vec(m);
      if (!vm) continue;
      const rel = members.filter((o) => o !== m && dist.has(key(m, o)) && vec(o) && (vec(o) as Float64Array).length === vm.length);
      let best: { p: string; q: string; x: number; residual: number } | null = null;
      for (let i = 0; i < rel.length; i++) {
        for (let j = i + 1; j < rel.length; j++) {
          const f = mergeFit(vm, vec(rel[i] as string) as Float64Array, vec(rel[j] as string) as Float64Array);
          if (isMerge(f) && (!best || f.residual < best.residual)) best = { p: rel[i] as string, q: rel[j] as string, x: f.x, residual: f.residual };
        }
      }
      if (best) mergeOf.set(m, best);
    }
    // the root: the medoid (median distance) among models neither merges nor marked as derivatives
    const marked = new Set(members.filter((m) => mergeOf.has(m) || derived.some((p) => (p.a === m || p.b === m) && markedChild(p, m))));
    const pool = members.filter((m) => !marked.has(m));
    const spread = (m: string) => {
      const ds = members.flatMap((o) => Array<number>(o === m ? (weight.get(o) ?? 1) - 1 : (weight.get(o) ?? 1)).fill(o === m ? 0 : (dist.get(key(m, o)) ?? 10))).sort((x, y) => x - y);
      return ds.length ? (ds[(ds.length - 1) >> 1] as number) : 0;
    };
    const root = (pool.length ? pool : members).reduce((b, m) => (spread(m) < spread(b) ? m : b));

    // relatives that kept their unit order, nearest the root first: each hangs from its closest
    // placed relative only if clearly closer to it than to the root (siblings fine-tuned alike stay siblings)
    const rv = vec(root);
    const width = byName.get(root)?.width ?? 0;
    const placed = new Set<string>([root]);
    const d = (x: string, y: string) => dist.get(key(x, y)) ?? Infinity;
    if (rv) {
      const group = members
        .filter((m) => m !== root && !mergeOf.has(m) && vec(m) && aligned(vec(m) as Float64Array, rv, width))
        .sort((x, y) => d(root, x) - d(root, y));
      for (const c of group) {
        let parent = root;
        for (const p of placed) if (p !== root && d(p, c) < 0.85 * d(root, c) && d(p, c) < d(parent, c)) parent = p;
        edge(parent, c);
        placed.add(c);
      }
    }
    for (const [m, mg] of mergeOf) {
      if (!members.includes(m) || placed.has(m)) continue;
      merges.push({ child: m, parents: [mg.p, mg.q].sort(), weights: [mg.x, 1 - mg.x] });
      edge(mg.p, m, "merged");
      edge(mg.q, m, "merged");
      placed.add(m);
    }
    // the rest (scrambled, restructured, or without fixed units): children of their closest placed
    // relative — the root, or the relative placed earliest, when others are not clearly closer
    // (a near-identical copy of the root is no better a parent than the root itself)
    const order = new Map<string, number>();
    for (;;) {
      let best: { from: string; to: string; d: number } | null = null;
      for (const from of placed) {
        for (const to of members) {
          if (placed.has(to)) continue;
          const d = dist.get(key(from, to));
          if (d !== undefined && (!best || d < best.d)) best = { from, to, d };
        }
      }
      if (!best) break;
      const to = best.to;
      const bound = best.d / 0.85;
      const rank = (x: string) => (x === root ? -1 : (order.get(x) ?? 0));
      let from = best.from;
      for (const p of placed) {
        const d = dist.get(key(p, to));
        if (d !== undefined && d <= bound && rank(p) < rank(from)) from = p;
      }
      edge(from, to);
      placed.add(to);
      order.set(to, order.size + 1);
    }
    families.push({ root, members: [...members].sort() });
  }

  // metadata hints, reported apart from the evidence
  const hints: string[] = [];
  for (const e of edges) {
    const p = byName.get(e.parent);
    const c = byName.get(e.child);
    if (p?.released && c?.released && c.released < p.released) hints.push(`${e.child} is declared released (${c.released}) before ${e.parent} (${p.released}), its parent by weight evidence`);
    if (p?.quantized && !c?.quantized) hints.push(`${e.parent} is stored quantized yet has a child ${e.child}: quantized copies are usually leaves`);
  }
  return { families, edges, merges, singletons: singletons.sort(), hints };
}
