/**
 * @module queue/folder-source
 * A local folder as a source: each entry — a sub-folder, or a weight file — is one model, named
 * after it (its file or folder name). Hidden entries and files that are not weights (a README, a
 * truth.json beside the models) are left out; the order is by name, so a sweep lists the same way
 * every time.
 */
import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { SourceEntry } from "./source-entry.js";

/** File endings of weight files a folder entry may be (model folders are taken whatever they hold). */
const WEIGHT_FILE = /\.(safetensors|gguf|bin|pt|pth|ckpt)$/i;

export function folderEntries(folder: string): SourceEntry[] {
  const root = resolve(folder);
  const names = readdirSync(root).filter((n) => !n.startsWith(".")).sort();
  const out: SourceEntry[] = [];
  for (const name of names) {
    const path = join(root, name);
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory() || (st.isFile() && WEIGHT_FILE.test(name))) out.push({ name, locator: path });
  }
  return out;
}
