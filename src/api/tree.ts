/**
 * @module api/tree
 * Family trees of the registered models rebuilt from their fingerprints: which share weights
 * (p-values corrected for every pair of the registry), each family's root, who derives from whom
 * and how. The document is pedigree.tree/1; `tree` is the structure the text, DOT and Mermaid
 * renderings take.
 */
import type { FamilyTree } from "../lineage/tree.js";
import { registryTree } from "../lineage/registry-tree.js";
import { progressOf, throwIfAborted, type OperationOptions } from "./cancel.js";
import { workingSet } from "../registry/working-set.js";
import { useBackend, type RegistryInput } from "./inputs.js";

export const TREE_SCHEMA = "pedigree.tree/1";

export interface TreeOptions extends OperationOptions {
  registry?: RegistryInput;
  /** Only these registered models (default: all). */
  only?: string[];
}

export interface TreeDocument extends FamilyTree {
  schema: typeof TREE_SCHEMA;
  registry: string;
  models: number;
  pairsCompared: number;
  testsCorrectedFor: number;
}

export interface Trees {
  document: TreeDocument;
  tree: FamilyTree;
}

export async function tree(opts: TreeOptions = {}): Promise<Trees> {
  throwIfAborted(opts.signal, "tree");
  const report = progressOf(opts, "tree");
  return useBackend(opts.registry, { readOnly: true }, async (b) => {
    // every model's fingerprint takes part in a tree: the working set is the whole registry
    const ws = await workingSet(b, () => b.ids());
    try {
      const t = registryTree(ws.db, { only: opts.only?.length ? opts.only : undefined, onPair: (d, n) => report("pairs", d, n) });
      return { tree: t.tree, document: { schema: TREE_SCHEMA, registry: b.name, models: t.models, pairsCompared: t.pairsCompared, testsCorrectedFor: t.tests, ...t.tree } };
    } finally {
      ws.close();
    }
  });
}
