/**
 * Forge throughput: `forge --synthesize llama` of a 7B-shaped model (dim 4096, 32 layers, ffn 11008,
 * 32 heads, vocab 32000) as BF16 safetensors into a temporary folder; prints wall time, bytes
 * written, MB/s and peak RSS, then deletes the output.
 * Run: npm run bench:forge  (or: node --import tsx bench/forge.ts [--layers N] [--dtype F16] [--steps s] [--gguf] [--out dir])
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { forge } from "../src/forge/forge.js";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const layers = Number(arg("layers") ?? 32);
const dtype = arg("dtype") ?? "BF16";
const steps = arg("steps");
const root = mkdtempSync(join(arg("out") ?? tmpdir(), "pedigree-bench-forge-"));
const out = join(root, process.argv.includes("--gguf") ? "llama-7b-shaped.gguf" : "llama-7b-shaped");
const spec = { family: "llama" as const, dim: 4096, layers, ffn: 11008, heads: 32, kvHeads: 32, vocab: 32000, ctx: 4096, seed: 1 };
process.stdout.write(`forge --synthesize llama: dim ${spec.dim}, ${layers} layers, ffn ${spec.ffn}, heads ${spec.heads}, vocab ${spec.vocab}, ${dtype}${steps ? `, steps ${steps}` : ""}\n`);
const t0 = performance.now();
let lastPrint = t0;
try {
  const r = forge({
    synthesize: spec, out, seed: 1, dtype, steps,
    onProgress: (done, total) => {
      const now = performance.now();
      if (now - lastPrint > 10_000) {
        lastPrint = now;
        process.stdout.write(`  ${((100 * done) / total).toFixed(0)} % after ${((now - t0) / 1000).toFixed(0)} s\n`);
      }
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  const ru = process.resourceUsage();
  process.stdout.write(
    `wall time   ${seconds.toFixed(1)} s\n` +
      `bytes       ${r.bytes} (${(r.bytes / 1e9).toFixed(2)} GB in ${r.files.length} files)\n` +
      `throughput  ${(r.bytes / 1e6 / seconds).toFixed(0)} MB/s\n` +
      `peak RSS    ${(ru.maxRSS / 1024).toFixed(0)} MB\n` +
      `format      ${r.format} ${r.dtype}\n`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
