/**
 * @module lineage/registry-tree
 * Family trees of registered models from their fingerprints alone. Which pairs get compared: each
 * model with the models its index key hits most (and, in a small registry, every model of its
 * width); every p-value is then corrected for all pairs of the registry, whichever were compared,
 * before tree.ts joins families by the derived pairs and orients them.
 */
import { relate } from "../verdict/transforms/relation.js";
import { compareFingerprints } from "../fingerprint/compare-fp.js";
import type { Fingerprint } from "../fingerprint/types.js";
import { q, UsageError } from "../errors.js";
import { registryFile, type Registry } from "../registry/open.js";
import { candidates, list, loadFingerprint, type ModelListing } from "../registry/store.js";
import { decide } from "../verdict/decide.js";
import { fixedVector } from "./deltas.js";
import { fixedUnitDistance } from "./distance.js";
import { buildTree, type FamilyTree, type PairVerdict, type TreeNode } from "./tree.js";

export interface RegistryTreeOptions {
  /** Index candidates per model (default 8). */
  candidates?: number;
  /** Compare every same-width pair while the registry holds at most this many models (default 24). */
  exhaustiveUpTo?: number;
  /** Only these models (names); default all. */
  only?: string[];
  onPair?: (done: number, total: number) => void;
}

export interface RegistryTree {
  tree: FamilyTree;
  models: number;
  pairsCompared: number;
  /** Pairs the p-values are corrected for. */
  tests: number;
}

function pairsToCompare(db: Registry, models: ModelListing[], prints: Map<number, Fingerprint>, opts: RegistryTreeOptions): Array<[ModelListing, ModelListing]> {
  const ids = new Set(models.map((m) => m.id));
  const byId = new Map(models.map((m) => [m.id, m]));
  const seen = new Set<string>();
  const out: Array<[ModelListing, ModelListing]> = [];
  const add = (x: ModelListing, y: ModelListing) => {
    if (x.id === y.id) return;
    const [a, b] = x.id < y.id ? [x, y] : [y, x];
    const k = `${a.id}:${b.id}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push([a, b]);
    }
  };
  const exhaustive = models.length <= (opts.exhaustiveUpTo ?? 24);
  for (const m of models) {
    const fp = prints.get(m.id) as Fingerprint;
    for (const c of candidates(db, fp.index, (opts.candidates ?? 8) + 1)) if (ids.has(c.id)) add(m, byId.get(c.id) as ModelListing);
    if (exhaustive) for (const o of models) if (o.dim === m.dim) add(m, o);
  }
  return out;
}

export function registryTree(db: Registry, opts: RegistryTreeOptions = {}): RegistryTree {
  const only = opts.only ? new Set(opts.only) : null;
  const all = list(db);
  const unknown = opts.only?.filter((n) => !all.some((m) => m.name === n)) ?? [];
  if (unknown.length) throw new UsageError(`not registered in ${registryFile(db)}: ${unknown.map((n) => q(n)).join(", ")}`);
  const models = all.filter((m) => !only || only.has(m.name));
  const prints = new Map(models.map((m) => [m.id, loadFingerprint(db, m.id)]));
  const pairs = pairsToCompare(db, models, prints, opts);
  const tests = Math.max(1, (models.length * (models.length - 1)) / 2);
  const verdicts: PairVerdict[] = [];
  pairs.forEach(([x, y], i) => {
    opts.onPair?.(i, pairs.length);
    const fx = prints.get(x.id) as Fingerprint;
    const fy = prints.get(y.id) as Fingerprint;
    const r = relate(compareFingerprints(fx, fy));
    const d = decide(r.logP, tests, r.verdict !== "inconclusive", r.reason);
    const verdict = r.verdict === "derived" ? d.verdict : r.verdict;
    verdicts.push({ a: x.name, b: y.name, result: { ...r, verdict, logP: d.logP, tests: r.tests * tests }, distance: fixedUnitDistance(fx, fy) });
  });
  opts.onPair?.(pairs.length, pairs.length);
  const nodes: TreeNode[] = models.map((m) => {
    const fp = prints.get(m.id) as Fingerprint;
    return { name: m.name, vector: fixedVector(fp), width: fp.layers[0]?.mlp?.fixedRows[0]?.cols ?? 0, released: m.released, quantized: fp.summary.quantized !== null };
  });
  return { tree: buildTree(nodes, verdicts), models: models.length, pairsCompared: pairs.length, tests };
}
