/**
 * Marks and `trace`: behaviour, robustness, false accusations and cost.
 * - behaviour: loss on held-out text and greedy text (40 tokens) of each master and its marked copy;
 * - robustness: rows = attacks made with forge on recipient r0's copy (averages use r1..r7 too),
 *   columns = models (stories260K, dev-families A, B, D, and a synthesized wide model); each cell
 *   the recipients named among `--recipients` tested and the corrected p-value;
 * - false accusations: suspects from other recipients' copies, the unmarked master and independent
 *   models, against 1,000 recipients; the innocents' uncorrected p-values against their null;
 * - cost: mark throughput (MB/s) and scoring time against 100 / 1,000 / 10,000 recipients.
 * Run: npm run bench:trace  (or: node --import tsx bench/trace.ts [--only <model>|null|cost] [--wide DIM] [--recipients N]
 *   [--rows "Q4_K;average of 8"] [--out dir] [--skip-wide] [--strength s])
 * `--strength s` marks the copies at s instead of mark's default (in their own folders, `<model>-s<s>`):
 * `--only dev-A --strength 0.01 --rows "50 % merge, unrelated" --skip-wide` is docs/method.md §7's
 * strength table.
 * The 7B-width model (dim 4096, ffn 11008, 32 heads, vocab 32000, BF16; `--layers` of them, 3 by
 * default so that dropping 2 leaves one): `npm run bench:trace -- --wide` runs only it — mark
 * throughput, every attack row (each attacked copy is deleted once traced), and the cost of scoring
 * 100 / 1,000 / 10,000 recipients. `npm run bench:mark` (`--wide --only mark`) only marks it, three
 * times, and reports MB/s (file bytes / wall seconds) with the load average. Row subsets may run
 * in parallel once the copies exist: `--wide --only synth-7bw-3L --rows "Q8_0;Q4_K" --tag a`, and
 * `--wide --only cost`.
 */
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { writeTokenizer } from "./lib/synthetic-tokenizer.js";
import { forge } from "../src/forge/forge.js";
import { loadModel } from "../src/load-model.js";
import { behaviourOf } from "../src/mark/behaviour.js";
import { markModel } from "../src/mark/mark.js";
import { align } from "../src/trace/align.js";
import { keepWords, scoreRecipients, wordsFor } from "../src/trace/scores.js";
import { trace, type TraceResult } from "../src/trace/trace.js";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : undefined;
  return v === undefined || v.startsWith("--") ? undefined : v;
}

/** `--wide` alone (or `--wide 7b`): the 7B-width model only. `--wide DIM`: the default run's wide model is DIM wide. */
const wideArg = arg("wide");
const SEVEN_B = process.argv.includes("--wide") && (wideArg === undefined || wideArg === "7b");

const SHARED = "/work/shared";
const root = arg("out") ?? "/tmp/mark/bench";
mkdirSync(root, { recursive: true });
const key = new Uint8Array(Buffer.from("bench-trace-key: not a secret, 32+ bytes long"));
/** Recipients tested in the robustness table (`--recipients`; the false-accusation run always uses 1,000). */
const ALL_RECIPIENTS = Array.from({ length: 1000 }, (_, i) => `partner-${String(i).padStart(4, "0")}`);
const RECIPIENTS = ALL_RECIPIENTS.slice(0, Number(arg("recipients") ?? 1000));
const TEXT = "When you open a file, the editor reads it into a buffer in memory. Every change you make is kept there until you write the buffer back to the disk. If you quit without writing, the changes are lost, so the editor warns you first.";
const STORY = "Tom had a small dog named Max. Every morning, Max waited by the door with his red leash in his mouth. One day it was raining hard, and Tom did not want to go out. Max looked at him with big sad eyes. Tom laughed and put on his yellow coat. They walked to the pond and saw three ducks swimming in the rain. Max barked, and the ducks flew away. Tom and Max ran home, wet and happy. His mom gave them a warm towel and a cup of milk. That night, Max slept at the end of Tom's bed, dreaming of ducks.";

interface ModelCase {
  name: string;
  master: string;
  ext: string;
  text: string;
  /** An independent model of the same shape (for the 50 % merge and the false-accusation run). */
  unrelated: string;
  behaviour: boolean;
}

function log(s: string): void {
  process.stdout.write(`${s}\n`);
}

function synthesized(name: string, dim: number, layers: number, ffn: number, heads: number, vocab: number, seed: number, out: string, extra: { kvHeads?: number; tied?: boolean; ctx?: number; dtype?: string } = {}): string {
  if (!existsSync(out)) forge({ synthesize: { family: "llama", dim, layers, ffn, heads, kvHeads: extra.kvHeads ?? heads, vocab, ctx: extra.ctx ?? 256, seed, name, tied: extra.tied }, out, seed, dtype: extra.dtype ?? "BF16" });
  // a folder gets a vocabulary, so that the vocabulary-trim row can be forged
  if (statSync(out).isDirectory()) writeTokenizer(out, vocab);
  return out;
}

function cases(): ModelCase[] {
  const list: ModelCase[] = [
    { name: "stories260K", master: `${SHARED}/models/stories260K/stories260K.bin`, ext: ".bin", text: STORY, unrelated: synthesized("u-stories", 64, 5, 172, 8, 512, 7, join(root, "u-stories.bin"), { kvHeads: 4, tied: true, ctx: 512, dtype: "F32" }), behaviour: true },
    { name: "dev-A", master: `${SHARED}/dev-families/A`, ext: "", text: TEXT, unrelated: `${SHARED}/dev-families/B`, behaviour: true },
    { name: "dev-B", master: `${SHARED}/dev-families/B`, ext: "", text: TEXT, unrelated: `${SHARED}/dev-families/C`, behaviour: true },
    { name: "dev-C", master: `${SHARED}/dev-families/C`, ext: "", text: TEXT, unrelated: `${SHARED}/dev-families/A`, behaviour: true },
  ];
  return list;
}

const ATTACKS: Array<[string, (c: ModelCase, copy: (i: number) => string) => string]> = [
  ["copy as issued", () => ""],
  ["Q8_0", () => "quantize:Q8_0:f32-fallback"],
  ["Q4_K", () => "quantize:Q4_K:f32-fallback"],
  ["Q3_K", () => "quantize:Q3_K:f32-fallback"],
  ["Q2_K", () => "quantize:Q2_K:f32-fallback"],
  ["finetune drift 0.05", () => "finetune-drift:0.05"],
  ["finetune drift 0.1", () => "finetune-drift:0.1"],
  ["noise 0.05", () => "noise:0.05"],
  ["permute+rotate+scale", () => "permute,rotate,scale"],
  ["prune-width 25 %", () => "prune-width:0.25"],
  ["drop 2 layers", () => "drop-layers:1+2"],
  ["vocab trim 10 %", () => "vocab-trim:0.1"],
  ["50 % merge, unrelated", (c) => `merge:linear=${c.unrelated}`],
  ["average of 2", (_c, copy) => `average:${copy(1)}`],
  ["average of 4", (_c, copy) => `average:${[1, 2, 3].map(copy).join("+")}`],
  ["average of 8", (_c, copy) => `average:${[1, 2, 3, 4, 5, 6, 7].map(copy).join("+")}`],
  ["drift 0.05 + Q4_K", () => "finetune-drift:0.05,quantize:Q4_K:f32-fallback"],
];

function cell(r: TraceResult, guilty: Set<string>): string {
  if (r.named.length === 0) return `none (best ${r.best ? r.best.log10P.toFixed(1) : "-"})`;
  const innocents = r.named.filter((a) => !guilty.has(a.recipient));
  const who = r.named.filter((a) => guilty.has(a.recipient));
  const worst = Math.max(...who.map((a) => a.log10P));
  return `${who.length} ok${innocents.length ? ` +${innocents.length} INNOCENT` : ""} p<=1e${Math.ceil(worst)}`;
}

const only = arg("only");
const results: Record<string, unknown> = {};
/** `--tag`: runs of row subsets in parallel each keep their own results file. */
const resultsFile = () => join(root, `results-${only ?? (SEVEN_B ? "7bw" : "all")}${arg("tag") ? `-${arg("tag")}` : ""}.json`);
const table: Record<string, Record<string, string>> = {};
const allCases = SEVEN_B ? [] : cases();
if (SEVEN_B) {
  const layers = Number(arg("layers") ?? 3);
  const name = `synth-7bw-${layers}L`;
  allCases.push({ name, master: synthesized(`w7b${layers}`, 4096, layers, 11008, 32, 32000, 11, join(root, `w7b-${layers}L`)), ext: "", text: "", unrelated: synthesized(`u7b${layers}`, 4096, layers, 11008, 32, 32000, 12, join(root, `u7b-${layers}L`)), behaviour: false });
} else if (!process.argv.includes("--skip-wide")) {
  const dim = Number(arg("wide") ?? 2048);
  const ffn = Math.round((dim * 11008) / 4096);
  allCases.push({ name: `synth-${dim}`, master: synthesized(`w${dim}`, dim, 2, ffn, dim / 128, 4096, 11, join(root, `w${dim}`)), ext: "", text: "", unrelated: synthesized(`u${dim}`, dim, 2, ffn, dim / 128, 4096, 12, join(root, `u${dim}`)), behaviour: false });
}
/** `--strength`: the copies' amplitude (mark's default when absent); other strengths keep their own folders. */
const strength = arg("strength") === undefined ? undefined : Number(arg("strength"));
const copiesDir = (model: string) => join(root, strength === undefined ? model : `${model}-s${strength}`);
function load(): string {
  return loadavg().map((x) => x.toFixed(1)).join(" / ");
}

if (only === "mark") {
  // mark throughput: file bytes / wall seconds (and per CPU second), three copies of the widest model
  const c = allCases[allCases.length - 1] as ModelCase;
  const bytes = statSync(join(c.master, "model.safetensors")).size;
  log(`${c.name}: master ${(bytes / 1e9).toFixed(2)} GB of BF16 safetensors`);
  const speeds: number[] = [];
  for (let i = 0; i < 3; i++) {
    const out = join(root, `mark-speed-${i}`);
    const before = load();
    const cpu = process.cpuUsage();
    const r = markModel({ master: c.master, model: c.name, recipient: `speed-${i}`, key, out, force: true });
    const used = process.cpuUsage(cpu);
    speeds.push(r.bytes / 1e6 / r.seconds);
    log(`mark ${i}: ${(r.bytes / 1e6).toFixed(0)} MB in ${r.seconds.toFixed(1)} s = ${(r.bytes / 1e6 / r.seconds).toFixed(1)} MB/s wall, ${(r.bytes / 1e6 / ((used.user + used.system) / 1e6)).toFixed(1)} MB per CPU second (load average ${before} before, ${load()} after; ${cpus().length} cores)`);
    rmSync(out, { recursive: true, force: true });
  }
  const sorted = [...speeds].sort((a, b) => a - b);
  log(`mark: median ${(sorted[1] as number).toFixed(1)} MB/s wall (goal: >= 100)`);
  results.mark = { model: c.name, bytes, mbPerS: speeds };
  writeFileSync(join(root, "results-mark.json"), JSON.stringify(results, null, 1));
  process.exit(0);
}

for (const c of allCases) {
  if (only && c.name !== only) continue;
  const dir = copiesDir(c.name);
  mkdirSync(dir, { recursive: true });
  const copy = (i: number) => join(dir, `r${i}${c.ext}`);
  let markMBs = 0;
  let markCpuMBs = 0;
  for (let i = 0; i < 8; i++) {
    if (existsSync(copy(i))) continue;
    const cpu = process.cpuUsage();
    const r = markModel({ master: c.master, model: c.name, recipient: RECIPIENTS[i] as string, key, out: copy(i), force: true, strength });
    const used = process.cpuUsage(cpu);
    if (i === 0) {
      markMBs = r.bytes / 1e6 / r.seconds;
      markCpuMBs = r.bytes / 1e6 / ((used.user + used.system) / 1e6);
    }
  }
  if (c.behaviour) {
    const b0 = behaviourOf(c.master, c.text, "Once upon a time");
    for (let i = 0; i < 4; i++) {
      const b1 = behaviourOf(copy(i), c.text, "Once upon a time");
      let same = 0;
      while (same < b0.greedy.length && b0.greedy[same] === b1.greedy[same]) same++;
      const rel = (b1.loss / b0.loss - 1) * 100;
      log(`${c.name} copy r${i}: loss ${b0.loss.toFixed(4)} -> ${b1.loss.toFixed(4)} (${rel >= 0 ? "+" : ""}${rel.toFixed(3)} %), greedy ${same}/${b0.greedy.length} tokens the same`);
      results[`${c.name}.behaviour.r${i}`] = { loss: b0.loss, markedLoss: b1.loss, relPercent: rel, greedySame: same, greedyOf: b0.greedy.length };
    }
  }
  if (markMBs) log(`${c.name}: mark ${markMBs.toFixed(1)} MB/s wall, ${markCpuMBs.toFixed(1)} MB per CPU second (load average ${(loadavg()[0] ?? 0).toFixed(1)} on ${cpus().length} cores)`);
  const guiltyAll = new Set(RECIPIENTS.slice(0, 8));
  const rows = arg("rows")?.split(";");
  for (const [row, steps] of ATTACKS) {
    if (rows && !rows.includes(row)) continue;
    const s = steps(c, copy);
    let suspect = copy(0);
    if (s) {
      const q = s.includes("quantize:");
      suspect = join(dir, `att-${row.replace(/[^a-z0-9]+/gi, "_")}${arg("tag") ? `-${arg("tag")}` : ""}${q ? ".gguf" : c.ext}`);
      try {
        if (!existsSync(suspect)) forge({ input: copy(0), steps: s, out: suspect, force: true, seed: 3 });
      } catch (e) {
        const why = e instanceof Error ? e.message.slice(0, 60) : String(e);
        ((table[row] ??= {}) as Record<string, string>)[c.name] = "n/a (forge refused)";
        log(`${c.name.padEnd(12)} ${row.padEnd(24)} n/a: ${why}`);
        continue;
      }
    }
    const n = row.startsWith("average of ") ? Number(row.slice(11)) : 1;
    const guilty = new Set(RECIPIENTS.slice(0, n));
    const t = performance.now();
    const r = trace(c.master, suspect, { model: c.name, key, recipients: RECIPIENTS });
    const ms = Math.round(performance.now() - t);
    const text = cell(r, guilty);
    ((table[row] ??= {}) as Record<string, string>)[c.name] = text;
    results[`${c.name}.${row}`] = { named: r.named, tested: r.tested, frame: r.frame.kind, entries: r.entries, change: r.change, ms, guilty: [...guilty], innocentsNamed: r.named.filter((a) => !guiltyAll.has(a.recipient) || !guilty.has(a.recipient)).map((a) => a.recipient) };
    log(`${c.name.padEnd(12)} ${row.padEnd(24)} ${text.padEnd(36)} frame ${r.frame.kind}, ${r.entries.scored} entries, strength ${r.named.map((a) => a.strength.toFixed(4)).join("/")}, ${ms} ms (align ${r.timings.alignMs}, score ${r.timings.scoreMs}; load ${load()})`);
    // the 7B-width attacked copies are large: each goes once traced (the cost run below needs Q4_K)
    if (SEVEN_B && suspect !== copy(0) && row !== "Q4_K") rmSync(suspect, { recursive: true, force: true });
    writeFileSync(resultsFile(), JSON.stringify({ results, table }, null, 1));
  }
  writeFileSync(resultsFile(), JSON.stringify({ results, table }, null, 1));
}

// ---- false accusations: innocents' p-values against the null, 1,000 recipients
if (!SEVEN_B && (!only || only === "null")) {
  const innocentP: number[] = [];
  let named = 0;
  const suspects: Array<[string, string, string, string[]]> = [];
  const st = cases()[0] as ModelCase;
  // suspects from recipients' copies: tested against the 1,000 minus their source
  for (const c of cases().slice(0, 3)) {
    const dir = copiesDir(c.name);
    for (let i = 0; i < 8; i++) if (existsSync(join(dir, `r${i}${c.ext}`))) suspects.push([c.name, c.master, join(dir, `r${i}${c.ext}`), ALL_RECIPIENTS.filter((x) => x !== ALL_RECIPIENTS[i])]);
    suspects.push([c.name, c.master, c.master, ALL_RECIPIENTS]);
  }
  suspects.push([st.name, st.master, st.unrelated, ALL_RECIPIENTS]);
  suspects.push(["dev-A", `${SHARED}/dev-families/A`, `${SHARED}/dev-families/A-ft`, ALL_RECIPIENTS]);
  suspects.push(["dev-A", `${SHARED}/dev-families/A`, `${SHARED}/dev-families/B`, ALL_RECIPIENTS]);
  for (const [model, master, suspect, recips] of suspects) {
    const m = loadModel(master);
    const s = loadModel(suspect);
    try {
      const al = align(m, s);
      const tables = keepWords(al.residuals, wordsFor(recips.length));
      const scores = scoreRecipients(tables, key, model, recips);
      for (const x of scores) {
        innocentP.push(Math.exp(x.logP));
        if (x.logP + Math.log(recips.length) <= Math.log(1e-9)) named++;
      }
    } finally {
      m.close();
      s.close();
    }
  }
  const frac = (a: number) => innocentP.filter((p) => p <= a).length / innocentP.length;
  log(`false accusations: ${suspects.length} suspects x ~1,000 recipients = ${innocentP.length} innocent tests, ${named} named; P(p <= 0.01) = ${frac(0.01).toFixed(4)}, P(p <= 0.05) = ${frac(0.05).toFixed(4)}, P(p <= 0.5) = ${frac(0.5).toFixed(4)}`);
  results.null = { suspects: suspects.map((x) => x[2]), tests: innocentP.length, named, p01: frac(0.01), p05: frac(0.05), p50: frac(0.5) };
}

// ---- cost: scoring against 100 / 1,000 / 10,000 recipients on the widest model's residual
if (!only || only === "cost") {
  const wide = allCases[allCases.length - 1] as ModelCase;
  // the Q4_K row's copy when it is still there, else one made for this (a parallel run may be making the row's)
  // (`--cost-suspect <path>`: another suspect; scoring's cost depends on the words kept, not on the attack)
  let q4 = arg("cost-suspect") ?? join(root, wide.name, "att-Q4_K.gguf");
  if (!existsSync(q4)) {
    q4 = join(root, wide.name, "cost-Q4_K.gguf");
    if (!existsSync(q4)) forge({ input: join(root, wide.name, `r0${wide.ext}`), steps: "quantize:Q4_K:f32-fallback", out: q4, force: true, seed: 3 });
  }
  const m = loadModel(wide.master);
  const s = loadModel(q4);
  try {
    let t = performance.now();
    const al = align(m, s);
    const alignMs = performance.now() - t;
    const many = ["partner-0000", ...Array.from({ length: 9999 }, (_, i) => `partner-${String(i + 1).padStart(5, "0")}`)];
    for (const n of (arg("cost-n") ?? "100,1000,10000").split(",").map(Number)) {
      t = performance.now();
      const cpu = process.cpuUsage();
      const tables = keepWords(al.residuals, wordsFor(n));
      const scores = scoreRecipients(tables, key, wide.name, many.slice(0, n));
      const used = process.cpuUsage(cpu);
      const guilty = scores.find((x) => x.recipient === "partner-0000");
      ((results.cost ??= {}) as Record<string, unknown>)[n] = { words: tables.word.length, entries: tables.entries, wallS: (performance.now() - t) / 1000, cpuS: (used.user + used.system) / 1e6, alignS: alignMs / 1000, load: loadavg(), leakerLog10P: guilty ? (guilty.logP + Math.log(n)) / Math.LN10 : null };
      log(`cost ${wide.name} (${q4}): score ${n} recipients over ${tables.word.length} words (${tables.entries} entries): ${((performance.now() - t) / 1000).toFixed(2)} s wall, ${((used.user + used.system) / 1e6).toFixed(2)} CPU s (align ${(alignMs / 1000).toFixed(1)} s; load average ${load()}); leaker log10 p ${guilty ? ((guilty.logP + Math.log(n)) / Math.LN10).toFixed(0) : "-"}`);
    }
  } finally {
    m.close();
    s.close();
  }
}
writeFileSync(resultsFile(), JSON.stringify({ results, table }, null, 1));
const cols = Object.keys(Object.values(table)[0] ?? {});
log(`\n| attack | ${cols.join(" | ")} |\n|---|${cols.map(() => "---").join("|")}|`);
for (const [row, r] of Object.entries(table)) log(`| ${row} | ${cols.map((c) => r[c] ?? "-").join(" | ")} |`);
if (process.argv.includes("--clean")) rmSync(root, { recursive: true, force: true });
