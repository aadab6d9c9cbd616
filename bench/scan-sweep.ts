/**
 * `npm run bench:scan-sweep`: does `scan` find derivatives of a closed model registered by its
 * fingerprint alone, at real widths? For each width (768, 2048, 4096 by default) a base model is
 * synthesized and registered (closed: fingerprint only), then derivatives are forged from it —
 * permuted, rotated, permuted + fine-tuned + Q4_K, layers dropped + permuted, residual width pruned
 * + healed, vocabulary trimmed + permuted, merged half and half with an unrelated model — and an
 * independent model of the same shape is made. Every suspect is scanned against the registry of
 * all widths' bases, once from its fingerprint only and once with its weights at hand.
 * Prints a table: suspect, expected answer, the answer (top match and its corrected p) and times.
 * Options: --widths 768,2048 --dir <folder> --keep --only <case,...>
 */
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeTokenizer } from "./lib/synthetic-tokenizer.js";
import { computeFingerprint } from "../src/fingerprint/compute.js";
import { forge } from "../src/forge/forge.js";
import type { SynthesizeSpec } from "../src/forge/synthesize.js";
import { loadModel } from "../src/load-model.js";
import { openRegistry } from "../src/registry/open.js";
import { register } from "../src/registry/store.js";
import { scanFingerprint, type ScanResult } from "../src/scan/scan.js";

const args = process.argv.slice(2);
const value = (name: string, d: string) => (args.includes(name) ? (args[args.indexOf(name) + 1] as string) : d);
const WIDTHS = value("--widths", "768,2048,4096").split(",").map(Number);
const dir = value("--dir", join(tmpdir(), "pedigree-bench-scan-sweep"));
const only = args.includes("--only") ? new Set(value("--only", "").split(",")) : null;
const keep = args.includes("--keep");

const SHAPES: Record<number, Omit<SynthesizeSpec, "seed" | "family">> = {
  768: { dim: 768, layers: 4, ffn: 2048, heads: 12, kvHeads: 12, vocab: 8000 },
  2048: { dim: 2048, layers: 3, ffn: 5632, heads: 16, kvHeads: 4, vocab: 8000 },
  4096: { dim: 4096, layers: 3, ffn: 11008, heads: 32, kvHeads: 8, vocab: 8000 },
};

interface Case { id: string; steps: (w: number) => string; derived: boolean }
const CASES: Case[] = [
  { id: "permute", steps: () => "permute", derived: true },
  { id: "rotate", steps: () => "rotate", derived: true },
  { id: "permute+drift0.1+Q4_K", steps: () => "permute,finetune-drift:0.1,quantize:Q4_K", derived: true },
  { id: "drop2+permute", steps: () => "drop-layers:1+2,permute", derived: true },
  { id: "prune-hidden25+drift", steps: () => "prune-hidden:0.25,finetune-drift:0.05", derived: true },
  { id: "vocab-trim+permute", steps: () => "vocab-trim:0.1,permute", derived: true },
  { id: "merge50", steps: (w) => `merge:linear=${join(dir, `w${w}-other`)}@0.5+0.5`, derived: true },
];

function ensure(out: string, make: () => void): void {
  if (!existsSync(join(out, "forge.json")) && !existsSync(`${out}.json`)) make();
}

function top(r: ScanResult): { name: string; verdict: string; log10p: number } {
  const m = r.matches[0];
  return m ? { name: m.model.name, verdict: m.verdict, log10p: m.logP / Math.LN10 } : { name: "-", verdict: "none", log10p: 0 };
}

const fmtP = (l: number) => (l > -3 ? (10 ** l).toFixed(3) : `1e${Math.round(l)}`);

mkdirSync(dir, { recursive: true });
const db = openRegistry(join(dir, "registry.db"));
const rows: string[][] = [];
let failures = 0;
try {
  // bases and independents of every width first: the registry holds every width's base
  for (const w of WIDTHS) {
    const shape = SHAPES[w] ?? { dim: w, layers: 4, ffn: Math.round((w * 8) / 3 / 64) * 64, heads: w / 64, kvHeads: w / 64, vocab: 8000 };
    for (const [name, seed] of [["base", 11], ["other", 12], ["indep", 13]] as const) {
      const out = join(dir, `w${w}-${name}`);
      const t = performance.now();
      ensure(out, () => forge({ synthesize: { family: "llama", ...shape, seed: 0 }, seed: seed * 1000 + w, out, dtype: "F16", force: true }));
      writeTokenizer(out, shape.vocab);
      if (name === "base") {
        const m = loadModel(out);
        try {
          register(db, computeFingerprint(m), { name: `base-${w}`, owner: "lab", tier: "closed", license: "other" });
        } finally {
          m.close();
        }
      }
      console.log(`w${w}-${name}: ready in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
  }
  for (const w of WIDTHS) {
    const suspects: Array<{ id: string; path: string; expect: string }> = [];
    for (const c of CASES) {
      if (only && !only.has(c.id)) continue;
      const out = join(dir, `w${w}-${c.id}`);
      const t = performance.now();
      try {
        ensure(out, () => forge({ input: join(dir, `w${w}-base`), steps: c.steps(w), out, seed: 5, force: true }));
      } catch (e) {
        rows.push([String(w), c.id, `base-${w}`, `forge failed: ${(e as Error).message.slice(0, 40)}`, "", "", ""]);
        failures++;
        continue;
      }
      console.log(`w${w}-${c.id}: forged in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      suspects.push({ id: c.id, path: out, expect: `base-${w}` });
    }
    suspects.push({ id: "independent", path: join(dir, `w${w}-indep`), expect: "none" });
    for (const s of suspects) {
      const m = loadModel(s.path);
      try {
        const t0 = performance.now();
        const fp = computeFingerprint(m);
        const t1 = performance.now();
        const fpOnly = scanFingerprint(db, fp, m.declared, null, {});
        const t2 = performance.now();
        const withWeights = scanFingerprint(db, fp, m.declared, m, {});
        const t3 = performance.now();
        const a = top(fpOnly);
        const b = top(withWeights);
        const ok = (x: { name: string; verdict: string }) => (s.expect === "none" ? x.verdict !== "derived" : x.verdict === "derived" && x.name === s.expect);
        if (!ok(a) || !ok(b)) failures++;
        const show = (x: { name: string; verdict: string; log10p: number }) => (x.verdict === "derived" ? `${x.name} ${fmtP(x.log10p)}` : `none (${fmtP(x.log10p)})`);
        rows.push([String(w), s.id, s.expect, `${ok(a) ? "ok" : "MISS"} ${show(a)}`, `${ok(b) ? "ok" : "MISS"} ${show(b)}`, `${((t1 - t0) / 1000).toFixed(1)}`, `${((t2 - t1) / 1000).toFixed(2)}/${((t3 - t2) / 1000).toFixed(2)}`]);
      } finally {
        m.close();
      }
    }
  }
} finally {
  db.close();
  if (!keep) rmSync(dir, { recursive: true, force: true });
}
const head = ["width", "suspect", "expected", "fingerprint only", "with weights", "fp s", "scan s"];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
const line = (r: string[]) => r.map((x, i) => x.padEnd(widths[i] as number)).join("  ");
console.log(`\n${line(head)}\n${widths.map((n) => "-".repeat(n)).join("  ")}`);
for (const r of rows) console.log(line(r));
console.log(`\n${failures === 0 ? "every derivative found, no independent model called derived" : `${failures} wrong answers`}`);
process.exitCode = failures === 0 ? 0 : 1;
