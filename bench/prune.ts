/**
 * `npm run bench:prune`: residual-width pruning. Makes (once, kept in --dir) synthesized models at
 * widths 768 and 2048 (2 layers, vocab 4096, F16): A, B = A pruned 25 % + drift 0.05 (+ permute),
 * C = an independent synthesis (at 768 also A pruned + drift + rotate); and dev-families A pruned
 * 25 % + drift 0.05 + permute (and + rotate). Times
 * `compare` for A vs B (both ways), C vs B, and every dev-families pair of different widths that
 * is independent by construction (the trained null). Options: --dir <folder>, --widths 768,2048,
 * --json.
 */
import { existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compare } from "../src/compare.js";
import { forge } from "../src/forge/forge.js";
import { sharedPath } from "../src/test-support/shared.js";

const args = process.argv.slice(2);
const value = (name: string, d: string) => (args.includes(name) ? (args[args.indexOf(name) + 1] as string) : d);
const dir = value("--dir", join(tmpdir(), "pedigree-bench-prune"));
const widths = value("--widths", "768,2048").split(",").map(Number);
mkdirSync(dir, { recursive: true });

function make(out: string, what: () => void): string {
  if (!existsSync(out)) what();
  return out;
}

interface Row {
  pair: string;
  verdict: string;
  log10p: number;
  frameProbe: number;
  matchedDims: string;
  seconds: number;
}
const rows: Row[] = [];
function run(pair: string, a: string, b: string): void {
  const t = performance.now();
  const r = compare(a, b);
  // the chosen frame's own evidence: the partial permutation's support test, or the rotation's probe
  const probe = r.frame.probes.find((p) => p.kind === (r.frame.kind === "rotation" ? "rotation" : "partial-permutation"));
  const placed = r.frame.coordinateMap ? `${r.frame.coordinateMap.filter((x) => x >= 0).length}/${r.frame.coordinateMap.length}` : `${r.frame.kind}`;
  rows.push({ pair, verdict: r.verdict, log10p: r.logP / Math.LN10, frameProbe: (probe?.logP ?? 0) / Math.LN10, matchedDims: placed, seconds: (performance.now() - t) / 1000 });
  const x = rows[rows.length - 1] as Row;
  console.error(`${x.pair.padEnd(34)} ${x.verdict.padEnd(12)} log10 p ${x.log10p.toFixed(1).padStart(8)}  frame ${x.frameProbe.toFixed(1).padStart(7)}  ${x.matchedDims.padStart(10)}  ${x.seconds.toFixed(1)} s`);
}

for (const w of widths) {
  const shape = { family: "llama" as const, dim: w, layers: 2, ffn: Math.round((w * 8) / 3 / 64) * 64, heads: w / 64, kvHeads: w / 64, vocab: 4096 };
  const A = make(join(dir, `s${w}`), () => forge({ synthesize: { ...shape, seed: 1 }, out: join(dir, `s${w}`), dtype: "F16", seed: 1 }));
  const B = make(join(dir, `s${w}-ph`), () => forge({ input: A, steps: "prune-hidden:0.25,finetune-drift:0.05", out: join(dir, `s${w}-ph`), dtype: "F16", seed: 2 }));
  const Bp = make(join(dir, `s${w}-ph-perm`), () => forge({ input: A, steps: "prune-hidden:0.25,finetune-drift:0.05,permute", out: join(dir, `s${w}-ph-perm`), dtype: "F16", seed: 3 }));
  const C = make(join(dir, `s${w}-other`), () => forge({ synthesize: { ...shape, seed: 4 }, out: join(dir, `s${w}-other`), dtype: "F16", seed: 4 }));
  run(`${w}: A vs pruned+drift`, A, B);
  run(`${w}: pruned+drift vs A`, B, A);
  run(`${w}: A vs pruned+drift+permute`, A, Bp);
  run(`${w}: independent vs pruned+drift`, C, B);
  if (w <= 1024) {
    // rotate costs O(dim) per weight: wide models only with time to spare
    const Br = make(join(dir, `s${w}-ph-rot`), () => forge({ input: A, steps: "prune-hidden:0.25,finetune-drift:0.05,rotate", out: join(dir, `s${w}-ph-rot`), dtype: "F16", seed: 6 }));
    run(`${w}: A vs pruned+drift+rotate`, A, Br);
    run(`${w}: independent vs pruned+drift+rotate`, C, Br);
  }
}

const dev = (id: string) => sharedPath("dev-families", id);
const devPruned = make(join(dir, "A-ph-ft-perm"), () => forge({ input: dev("A"), steps: "prune-hidden:0.25,finetune-drift:0.05,permute", out: join(dir, "A-ph-ft-perm"), seed: 5 }));
run("dev: A vs A pruned+drift+permute", dev("A"), devPruned);
run("dev: B (A's twin) vs A pruned", dev("B"), devPruned);
const devRotated = make(join(dir, "A-ph-ft-rot"), () => forge({ input: dev("A"), steps: "prune-hidden:0.25,finetune-drift:0.05,rotate", out: join(dir, "A-ph-ft-rot"), seed: 7 }));
run("dev: A vs A pruned+drift+rotate", dev("A"), devRotated);
run("dev: B vs A pruned+drift+rotate", dev("B"), devRotated);
// the trained null: families of other widths (A, B, C, G: 128 wide; D: 96; S: 64)
for (const [a, b] of [["A", "D"], ["B", "D"], ["C", "D"], ["G", "D"], ["A", "S"], ["C", "S"], ["D", "S"], ["S", "D"], ["D", "A"], ["S", "A"], ["A-ft", "D-q4k"], ["S-ft", "B-ft"]]) run(`dev: ${a} vs ${b}`, dev(a as string), dev(b as string));

if (args.includes("--json")) console.log(JSON.stringify(rows, null, 1));
