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
import { useRegistry, type RegistryInput } from "./inputs.js";

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
  return useRegistry(opts.registry, { readOnly: true }, (db, file) => {
    const t = registryTree(db, { only: opts.only?.length ? opts.only : undefined, onPair: (d, n) => report("pairs", d, n) });
    return { tree: t.tree, document: { schema: TREE_SCHEMA, registry: file, models: t.models, pairsCompared: t.pairsCompared, testsCorrectedFor: t.tests, ...t.tree } };
  });
}
