/**
 * A BPE vocabulary without merges for a synthesized model (printable characters, then words), so
 * that vocabulary edits and text-paired anchors work on it as on real models.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export function writeTokenizer(folder: string, vocab: number): void {
  const file = join(folder, "tokenizer.json");
  if (existsSync(file)) return;
  const words: Record<string, number> = {};
  for (let i = 0; i < vocab; i++) words[i < 95 ? String.fromCharCode(32 + i) : `w${i}`] = i;
  writeFileSync(file, JSON.stringify({ version: "1.0", model: { type: "BPE", vocab: words, merges: [] } }));
}
