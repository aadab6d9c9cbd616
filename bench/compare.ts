/**
 * `npm run bench:compare`: 7B-shaped comparisons, as the spec asks. Makes (once, kept in --dir):
 *   A  = forge --synthesize llama (dim 4096, 32 layers, ffn 11008, 32 heads, vocab 32000), BF16 safetensors
 *   B  = forge A --steps finetune-drift:0.05,permute, BF16 safetensors
 *   Bq = forge A --steps finetune-drift:0.05,permute,quantize:Q4_K, GGUF
 *   C  = an independent synthesis of the same shape
 * then times `compare A B`, `compare A Bq`, `compare A C`, each in a fresh process, with its peak
 * RSS. Targets: <= 90 s each, <= 2 GB. Options: --dir <folder> (default $TMPDIR/pedigree-bench-7b),
 * --small (a 1B-shaped set for a quick run), --json.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { forge } from "../src/forge/forge.js";
import type { SynthesizeSpec } from "../src/forge/synthesize.js";

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const value = (name: string, d: string) => (args.includes(name) ? (args[args.indexOf(name) + 1] as string) : d);
const small = flag("--small");
const dir = value("--dir", join(tmpdir(), small ? "pedigree-bench-1b" : "pedigree-bench-7b"));
mkdirSync(dir, { recursive: true });
const shape: Omit<SynthesizeSpec, "seed"> = small
  ? { family: "llama", dim: 2048, layers: 16, ffn: 5632, heads: 16, kvHeads: 16, vocab: 32000 }
  : { family: "llama", dim: 4096, layers: 32, ffn: 11008, heads: 32, kvHeads: 32, vocab: 32000 };
const A = join(dir, "A");
const B = join(dir, "B");
const Bq = join(dir, "B-q4k.gguf");
const C = join(dir, "C");

function make(out: string, what: () => void): void {
  if (existsSync(out)) return;
  const t = performance.now();
  what();
  console.error(`made ${out} in ${((performance.now() - t) / 1000).toFixed(0)} s`);
}
make(A, () => forge({ synthesize: { ...shape, seed: 1 }, out: A, dtype: "BF16", seed: 1, maxShardBytes: 4e9 }));
make(B, () => forge({ input: A, steps: "finetune-drift:0.05,permute", out: B, dtype: "BF16", seed: 2, maxShardBytes: 4e9 }));
make(C, () => forge({ synthesize: { ...shape, seed: 3 }, out: C, dtype: "BF16", seed: 3, maxShardBytes: 4e9 }));
make(Bq, () => forge({ input: A, steps: "finetune-drift:0.05,permute,quantize:Q4_K", out: Bq, seed: 2 }));

const rows = [["A vs B (drift + permute, BF16)", A, B], ["A vs B (drift + permute, Q4_K GGUF)", A, Bq], ["A vs C (independent)", A, C]].map(([label, a, b]) => {
  const wall = performance.now();
  const out = execFileSync(process.execPath, ["--import", "tsx", join("bench", "lib", "compare-child.ts"), a as string, b as string], { encoding: "utf8", maxBuffer: 1 << 24 });
  const r = JSON.parse(out.trim().split("\n").pop() as string) as { seconds: number; verdict: string; log10p: number; frame: string; layers: number; peakRssMB: number; timings: Record<string, number> };
  return { label: label as string, wallSeconds: (performance.now() - wall) / 1000, ...r };
});
if (flag("--json")) console.log(JSON.stringify({ shape, rows }, null, 2));
else {
  console.log(`compare benchmark, ${small ? "1B" : "7B"}-shaped models in ${dir}`);
  for (const r of rows) {
    console.log(`${r.label.padEnd(40)} ${r.verdict.padEnd(12)} log10 p ${r.log10p.toFixed(1).padStart(7)}  frame ${r.frame.padEnd(18)} compare ${r.seconds.toFixed(1)} s (process ${r.wallSeconds.toFixed(1)} s)  peak RSS ${r.peakRssMB.toFixed(0)} MB  ${r.seconds <= 90 && r.peakRssMB <= 2048 ? "PASS" : "MISS"}`);
    console.log(`  stages ms: ${JSON.stringify(r.timings)}`);
  }
}
