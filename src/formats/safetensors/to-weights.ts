/**
 * @module formats/safetensors/to-weights
 * One safetensors file, or a sharded checkpoint (`*.safetensors.index.json` naming its shards), as a
 * WeightSet. Shard names must be plain file names in the index's own folder.
 */
import { basename, dirname } from "node:path";
import { BadInputError, check, q } from "../../errors.js";
import { FileSource, type ByteSource } from "../../io/byte-source.js";
import { LocalFolder, type Folder } from "../../io/folder.js";
import type { TensorEntry } from "../../model/tensor.js";
import type { WeightSet } from "../../model/weight-set.js";
import { MAX_INDEX_BYTES } from "./limits.js";
import { parseSafetensors } from "./parse.js";

function bare(path: string, sources: ByteSource[], tensors: TensorEntry[], metadata: Record<string, unknown>): WeightSet {
  return {
    format: "safetensors", path, files: sources.map((s) => s.path), tensors, qkLayout: "hf", params: {},
    declared: { baseModels: [], problems: [] }, metadata,
    close: () => sources.forEach((s) => s.close()),
  };
}

/** One safetensors file (a path, or an open source the WeightSet then owns). */
export function safetensorsWeights(file: string | ByteSource): WeightSet {
  const src = typeof file === "string" ? new FileSource(file) : file;
  try {
    const f = parseSafetensors(src);
    return bare(src.path, [src], f.tensors, f.metadata);
  } catch (e) {
    src.close();
    throw e;
  }
}

/** The index's text, refused past MAX_INDEX_BYTES (the source is closed). */
function indexText(src: ByteSource): string {
  try {
    if (src.size > MAX_INDEX_BYTES) throw new BadInputError(src.path, `${src.size} bytes is too large for a sharded safetensors index (limit ${MAX_INDEX_BYTES})`);
    return Buffer.from(src.read(0, src.size)).toString("utf8");
  } finally {
    src.close();
  }
}

/** A sharded checkpoint: its index (a path, or an open source) and the folder holding the shards. */
export function shardedSafetensorsWeights(index: string | ByteSource, folder: Folder = new LocalFolder(dirname(typeof index === "string" ? index : index.path))): WeightSet {
  const indexSrc = typeof index === "string" ? new FileSource(index) : index;
  const indexPath = indexSrc.path;
  const text = indexText(indexSrc);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BadInputError(indexPath, "index is not valid JSON");
  }
  const map = (parsed as { weight_map?: unknown } | null)?.weight_map;
  check(typeof map === "object" && map !== null && !Array.isArray(map), indexPath, "index has no weight_map object");
  const byShard = new Map<string, string[]>();
  for (const [name, shard] of Object.entries(map as Record<string, unknown>)) {
    check(typeof shard === "string" && shard.length > 0 && basename(shard) === shard && shard !== "." && shard !== "..", indexPath, `weight_map[${q(name)}] is not a shard file name in the same folder`);
    const list = byShard.get(shard) ?? [];
    list.push(name);
    byShard.set(shard, list);
  }
  const sources: ByteSource[] = [];
  const tensors: TensorEntry[] = [];
  const metadata: Record<string, unknown> = {};
  try {
    for (const [shard, names] of [...byShard.entries()].sort()) {
      const src = folder.open(shard);
      sources.push(src);
      const f = parseSafetensors(src);
      Object.assign(metadata, f.metadata);
      const have = new Map(f.tensors.map((t) => [t.name, t]));
      for (const n of names) {
        const t = have.get(n);
        check(t !== undefined, src.path, `index says tensor ${q(n)} is in this shard, but it is not`);
        tensors.push(t);
      }
    }
  } catch (e) {
    sources.forEach((s) => s.close());
    throw e;
  }
  return bare(indexPath, sources, tensors, metadata);
}
