/**
 * @module formats/open
 * Open whatever the user points at — a weight file or a model folder — as a WeightSet: the tensors,
 * plus what the folder declares (config.json, model card, tokenizer). The folder may be a local
 * directory or any other Folder (a hub repository read with range requests).
 */
import { existsSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { BadInputError, PedigreeError, UnsupportedError } from "../errors.js";
import { FileSource, type ByteSource } from "../io/byte-source.js";
import { LocalFolder, readFolderText, type Folder } from "../io/folder.js";
import type { WeightSet } from "../model/weight-set.js";
import { detectFileKind } from "./detect.js";
import { jsonDepth, MAX_JSON_DEPTH } from "./json-keys.js";
import { ggufWeights } from "./gguf/to-weights.js";
import { declaredFromCard, parseCard } from "./hf/card.js";
import { parseHfConfig } from "./hf/config.js";
import { llama2cWeights } from "./llama2c/to-weights.js";
import { pytorchWeights } from "./pytorch/to-weights.js";
import { safetensorsWeights, shardedSafetensorsWeights } from "./safetensors/to-weights.js";
import { attachTokens } from "./tokens.js";

/** Largest config.json / README.md pedigree reads. */
const MAX_SIDE_FILE = 16 << 20;

const readSide = (folder: Folder, name: string) => readFolderText(folder, name, MAX_SIDE_FILE, name);

/** Open one weight file by its content. */
export function openWeightFile(path: string): WeightSet {
  return openWeightSource(new FileSource(path), new LocalFolder(dirname(path)));
}

/** Open one weight file, given as a source the WeightSet then owns; `folder` holds a sharded index's shards. */
function openWeightSource(src: ByteSource, folder: Folder): WeightSet {
  const path = src.path;
  let kind;
  try {
    kind = detectFileKind(src);
  } catch (e) {
    src.close();
    throw e;
  }
  switch (kind) {
    case "gguf":
      return ggufWeights(src, path).ws;
    case "safetensors":
      return safetensorsWeights(src);
    case "zip":
      return pytorchWeights(src, path);
    case "llama2c":
      return llama2cWeights(src, path);
    case "json":
      if (path.endsWith(".safetensors.index.json")) return shardedSafetensorsWeights(src, folder);
      src.close();
      if (path.endsWith(".index.json")) {
        throw new UnsupportedError(path, "sharded PyTorch checkpoints (pytorch_model.bin.index.json) are not supported; convert to safetensors");
      }
      throw new BadInputError(path, "a JSON file, not model weights");
    case "torch-legacy":
      src.close();
      throw new UnsupportedError(path, "legacy (pre-1.6, non-zip) PyTorch checkpoints are not supported; re-save with a current torch");
    default:
      src.close();
      throw new BadInputError(path, "not a recognised weight file (not GGUF, safetensors, PyTorch zip or llama2.c)");
  }
}

const byName = (a: string, b: string) => a.localeCompare(b, "en", { numeric: true });

/** The weight file (or sharded index) a model folder holds, by the order of preference below. */
export function weightFileOf(folder: Folder): string {
  const dir = folder.path;
  const names = [...folder.names()].sort(byName);
  const has = (n: string) => names.includes(n);
  const pick = (pred: (n: string) => boolean) => names.filter(pred);
  if (has("model.safetensors.index.json")) return "model.safetensors.index.json";
  const idx = pick((n) => n.endsWith(".safetensors.index.json"));
  if (idx.length === 1) return idx[0] as string;
  if (has("model.safetensors")) return "model.safetensors";
  const st = pick((n) => n.endsWith(".safetensors") && !n.startsWith("adapter_"));
  if (st.length === 1) return st[0] as string;
  if (st.length > 1) throw new BadInputError(dir, `${st.length} safetensors files and no index naming the shards`);
  const ad = pick((n) => n.startsWith("adapter_model."));
  if (ad.length === 1) return ad[0] as string;
  for (const n of ["pytorch_model.bin", "model.pt", "ckpt.pt", "model.pth", "consolidated.00.pth"]) if (has(n)) return n;
  const gguf = pick((n) => n.endsWith(".gguf"));
  if (gguf.length === 1) return gguf[0] as string;
  if (gguf.length > 1) throw new BadInputError(dir, `${gguf.length} GGUF files in one folder: name the one to read`);
  const pt = pick((n) => /\.(pt|pth)$/.test(n));
  if (pt.length === 1) return pt[0] as string;
  if (has("model.bin")) return "model.bin";
  const bins = pick((n) => n.endsWith(".bin") && !/^tok/.test(n));
  if (bins.length === 1) return bins[0] as string;
  throw new BadInputError(dir, "no model weights found in this folder (no safetensors, GGUF, PyTorch or llama2.c file)");
}

/** Add what an HF-style folder declares around the weights: config.json, README.md card, adapter_config.json. */
function attachFolder(ws: WeightSet, folder: Folder): WeightSet {
  const cfgText = readSide(folder, "config.json");
  if (cfgText !== undefined && ws.format !== "gguf" && ws.format !== "llama2c") {
    const cfg = parseHfConfig(cfgText, folder.where("config.json"));
    ws.architecture = cfg.architecture ?? cfg.modelType ?? ws.architecture;
    ws.params = { ...cfg.params, ...ws.params };
    ws.metadata = { ...ws.metadata, config: cfg.raw };
  }
  const adapter = readSide(folder, "adapter_config.json");
  if (adapter !== undefined) {
    try {
      if (jsonDepth(adapter) > MAX_JSON_DEPTH) throw new Error("too deep");
      const a = JSON.parse(adapter) as Record<string, unknown>;
      ws.metadata = { ...ws.metadata, adapter: a };
      if (typeof a.base_model_name_or_path === "string") ws.declared = { ...ws.declared, baseModels: [a.base_model_name_or_path], baseModelRelation: "adapter" };
    } catch {
      ws.declared = { ...ws.declared, problems: [...ws.declared.problems, "adapter_config.json is not valid JSON"] };
    }
  }
  const cardText = readSide(folder, "README.md");
  if (cardText !== undefined) {
    const card = parseCard(cardText);
    ws.declared = declaredFromCard(card, ws.declared);
    ws.metadata = { ...ws.metadata, card: card.frontMatter };
  }
  return ws;
}

/** Open a weight file or a model folder as a WeightSet. */
export function openWeights(path: string): WeightSet {
  if (!existsSync(path)) throw new PedigreeError("not-found", "no such file or folder", path);
  if (statSync(path).isDirectory()) return openFolderWeights(new LocalFolder(path));
  const folder = new LocalFolder(dirname(path));
  return attachAround(openWeightFile(path), folder, path, () => folder.names().some((n) => n === "config.json" || n === "README.md"));
}

/** Open a model folder (local or not) as a WeightSet: its weight file chosen as for a directory, with what the folder declares. */
export function openFolderWeights(folder: Folder): WeightSet {
  return attachAround(openWeightSource(folder.open(weightFileOf(folder)), folder), folder, folder.path, () => true);
}

function attachAround(ws: WeightSet, folder: Folder, path: string, hasSideFiles: () => boolean): WeightSet {
  try {
    ws.path = path;
    if (hasSideFiles()) attachFolder(ws, folder);
    attachTokens(ws, folder);
    return ws;
  } catch (e) {
    ws.close();
    throw e;
  }
}
