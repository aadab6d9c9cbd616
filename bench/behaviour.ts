/**
 * `npm run bench:behaviour`: the behavioural test (compare --behaviour) on dev-families and forged
 * students, with its calibration and cost.
 *  - cost: forward-pass tokens and seconds per model on the built-in probes (stories260K, a dev model);
 *  - calibration: every ordered pair of independently trained dev-families bases (A, B, C, D, G;
 *    controls = the other three), the twins' derivatives (A-ft/B-ft, A-rot/B-rot), and forged
 *    students of independent teachers: P(p <= a) at a = 0.01, 0.05 (calibrated: <= a);
 *  - power: A-distil against A, and forged students of A (logits, text) against students of other
 *    teachers as controls.
 *  - the text-block test: texts as replicates, exact only if B has no model-level affinity to A
 *    (a diagnostic of why no honest test reaches p <= 1e-6 with dev-families' controls);
 *  - the text level (a reference of another tokenizer): the same test for byte models, A-vocab; a scan
 *    calibration over 8 independently trained models of three tokenizers (shared/models + bases);
 *  - stored behavioural fingerprints (register --behaviour): size, and the verdicts they give;
 *  - with --trained-body: students whose body is G's (trained), only the head distilled (12 minutes);
 *  - with --big: seconds per token of a 1B-shaped model (dim 2048, 16 layers, vocab 128256).
 * Run: npm run bench:behaviour [-- --sequences N] [-- --big] [-- --trained-body]  (N: teacher sequences per student, 16)
 * Records are cached in $TMPDIR/pedigree-bench-behaviour (delete it to re-measure the cost).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { builtinProbes } from "../src/behaviour/probes.js";
import { logProbOf, recordBehaviour, type BehaviourRecord } from "../src/behaviour/record.js";
import { poolTest } from "../src/behaviour/pool-test.js";
import { scanBehaviour } from "../src/behaviour/scan-behaviour.js";
import { asStored, decodeBehaviour, encodeBehaviour } from "../src/behaviour/stored.js";
import { readTokenizerFile } from "../src/formats/tokens.js";
import { studentTSf } from "../src/numeric/student-t.js";
import { Transformer } from "../src/run/index.js";
import { behaviourVerdict, type BehaviourResult, type NamedRecord } from "../src/behaviour/verdict.js";
import { onCommonOffsets } from "../src/behaviour/text-level.js";
import { applySteps } from "../src/forge/forge.js";
import { parseSteps } from "../src/forge/parse-steps.js";
import { synthesize } from "../src/forge/synthesize.js";
import { loadModel } from "../src/load-model.js";
import type { CanonicalModel } from "../src/model/canonical.js";
import { draftOf } from "../src/model/draft.js";
import { materialize } from "../src/model/materialize.js";
import { sharedPath } from "../src/test-support/shared.js";

const args = process.argv.slice(2);
const si = args.indexOf("--sequences");
const sequences = si >= 0 ? Number(args[si + 1]) : 16;
const big = args.includes("--big");
const trainedBody = args.includes("--trained-body");
const dir = join(tmpdir(), "pedigree-bench-behaviour");
mkdirSync(dir, { recursive: true });
const probes = builtinProbes();
const dev = (id: string) => sharedPath("dev-families", id);

interface Cached {
  record: BehaviourRecord;
  params: number;
}

function save(file: string, c: Cached): void {
  const r = c.record;
  writeFileSync(file, JSON.stringify({ ...c, record: { ...r, probes: r.probes.map((p) => ({ tokens: [...p.tokens], ids: [...p.ids], logp: [...p.logp], floor: [...p.floor] })) } }));
}

function restore(file: string): Cached {
  const j = JSON.parse(readFileSync(file, "utf8")) as { params: number; record: BehaviourRecord & { probes: Array<{ tokens: number[]; ids: number[]; logp: number[]; floor: number[] }> } };
  return {
    params: j.params,
    record: { ...j.record, probes: j.record.probes.map((p) => ({ tokens: Int32Array.from(p.tokens), ids: Int32Array.from(p.ids), logp: Float32Array.from(p.logp), floor: Float32Array.from(p.floor) })) },
  };
}

function paramsOf(m: CanonicalModel): number {
  let n = 0;
  for (const t of m.tensors.values()) n += t.size;
  return n;
}

function recordOf(name: string, open: () => CanonicalModel): { name: string; record: BehaviourRecord } {
  const file = join(dir, `${name}.json`);
  if (!existsSync(file)) {
    const m = open();
    try {
      save(file, { record: recordBehaviour(m, probes), params: paramsOf(m) });
    } finally {
      m.close();
    }
  }
  const c = restore(file);
  return { name, record: c.record };
}

const devRecord = (id: string) => recordOf(id, () => loadModel(dev(id)));

/** A fresh dim-128, 2-layer student whose head is fitted to `teacher` (forge distil). */
function studentRecord(teacher: string, mode: "logits" | "text", seed: number) {
  return recordOf(`student-${teacher}-${mode}-${seed}-${sequences}`, () => {
    const start = synthesize({ family: "llama", dim: 128, layers: 2, ffn: 256, heads: 4, kvHeads: 4, vocab: 256, ctx: 128, seed });
    const applied = applySteps(start, parseSteps(`distil:${mode}=${dev(teacher)}@${sequences}`), { seed });
    try {
      return materialize(applied.draft, `student of ${teacher}`);
    } finally {
      applied.close();
    }
  });
}

// Cost.
console.log("cost (built-in probes, 30 texts):");
for (const id of ["S", "A"]) {
  const file = join(dir, `${id}.json`);
  const fresh = !existsSync(file);
  const r = devRecord(id);
  const c = restore(file);
  console.log(`  ${id.padEnd(3)} ${String(c.params).padStart(8)} params  ${r.record.tokens} tokens  ${r.record.seconds.toFixed(1)} s${fresh ? "" : " (cached measurement)"}  ${((r.record.seconds / r.record.tokens) * 1000).toFixed(2)} ms/token`);
}

const row = (label: string, r: BehaviourResult) =>
  console.log(`  ${label.padEnd(34)} ${r.verdict.padEnd(21)} p=${r.pValue.toExponential(1)} rank=${r.pRank.toFixed(2)} sB=${r.suspectAgreement.toFixed(2)} ctl=${r.controls.map((c) => c.agreement.toFixed(2)).join("/")}`);

const nullP: number[] = [];
const nullVerdicts: string[] = [];
const bases = ["A", "B", "C", "D", "G"];
console.log("\nindependent pairs (calibration):");
for (const a of bases) {
  for (const b of bases) {
    if (a === b) continue;
    const r = behaviourVerdict(devRecord(a), devRecord(b), bases.filter((x) => x !== a && x !== b).map(devRecord));
    nullP.push(r.pValue);
    nullVerdicts.push(r.verdict);
    row(`${a} -> ${b}`, r);
  }
}
for (const [a, b] of [["A-ft", "B-ft"], ["B-ft", "A-ft"], ["A-rot", "B-rot"], ["B-rot", "A-rot"]] as const) {
  const r = behaviourVerdict(devRecord(a), devRecord(b), ["C", "D", "G"].map(devRecord));
  nullP.push(r.pValue);
  nullVerdicts.push(r.verdict);
  row(`${a} -> ${b} (twins)`, r);
}
const teachers = ["A", "B", "C", "D", "G"];
for (const t of teachers) {
  const others = teachers.filter((x) => x !== t);
  // target: a base that is not the student's teacher; controls: students of the other teachers
  const target = others[0] as string;
  const r = behaviourVerdict(devRecord(target), studentRecord(t, "logits", 11), others.filter((x) => x !== target).map((x) => studentRecord(x, "logits", 11)));
  nullP.push(r.pValue);
  nullVerdicts.push(r.verdict);
  row(`${target} -> student of ${t}`, r);
}
console.log(`  ${nullP.length} independent pairs: P(p <= 0.01) = ${(nullP.filter((p) => p <= 0.01).length / nullP.length).toFixed(3)}, P(p <= 0.05) = ${(nullP.filter((p) => p <= 0.05).length / nullP.length).toFixed(3)}; behaviour-derived verdicts: ${nullVerdicts.filter((v) => v === "behaviour-derived").length}`);

console.log("\nbehaviour-derived pairs (power):");
row("A -> A-distil [B,C,D,G]", behaviourVerdict(devRecord("A"), devRecord("A-distil"), ["B", "C", "D", "G"].map(devRecord)));
row("A -> A-distil [B,D]", behaviourVerdict(devRecord("A"), devRecord("A-distil"), ["B", "D"].map(devRecord)));
const studentControls = ["B", "C", "D", "G"].map((t) => studentRecord(t, "logits", 11));
row("A -> student of A (logits)", behaviourVerdict(devRecord("A"), studentRecord("A", "logits", 12), studentControls));
row("A -> student of A (text)", behaviourVerdict(devRecord("A"), studentRecord("A", "text", 12), studentControls));
row("A-ft -> student of A-ft (logits)", behaviourVerdict(devRecord("A-ft"), studentRecord("A-ft", "logits", 12), studentControls));
row("B -> student of A (twin not named)", behaviourVerdict(devRecord("B"), studentRecord("A", "logits", 12), ["C", "D", "G"].map((t) => studentRecord(t, "logits", 11))));

// ---- the text-block test (diagnostic, never a verdict)
/** Per probe text: mean over positions of KL(pX || pY) on X's top tokens (Y's floor outside its top k). */
function klByText(X: BehaviourRecord, Y: BehaviourRecord): number[] {
  return X.probes.map((px, t) => {
    const py = Y.probes[t];
    if (!py) return 0;
    const P = Math.min(px.tokens.length, py.tokens.length);
    let s = 0;
    for (let i = 0; i < P; i++) {
      for (let j = 0; j < X.k; j++) {
        const l = px.logp[i * X.k + j] as number;
        s += Math.exp(l) * (l - logProbOf(py, Y.k, i, px.ids[i * X.k + j] as number));
      }
    }
    return s / Math.max(1, P);
  });
}
const avg = (v: number[]) => v.reduce((a, x) => a + x, 0) / Math.max(1, v.length);
/** "B closer to A than to the controls", text by text: one-sided t over texts (df = texts - 1). */
function textBlock(a: string, b: string, controls: string[]) {
  const B = devRecord(b).record;
  const dA = klByText(B, devRecord(a).record);
  const dC = controls.map((c) => klByText(B, devRecord(c).record));
  const s = dA.map((v, t) => avg(dC.map((d) => d[t] as number)) - v);
  const m = avg(s);
  const sd = Math.sqrt(s.reduce((x, v) => x + (v - m) ** 2, 0) / (s.length - 1));
  const t = m / (sd / Math.sqrt(s.length));
  return { m, t, p: studentTSf(t, s.length - 1), wins: s.filter((v) => v > 0).length, n: s.length };
}
console.log("\ntext-block test (texts as replicates; exact only if B has no model-level affinity to A):");
console.log("  statistic per text: mean KL(B || control) - KL(B || A) over B's top-32 tokens");
const tb = (a: string, b: string, c: string[], note = "") => {
  const r = textBlock(a, b, c);
  console.log(`  ${`${a} -> ${b} [${c.join(",")}]`.padEnd(26)} excess ${r.m.toFixed(3)}  t ${r.t.toFixed(1).padStart(5)}  p ${r.p.toExponential(1)}  closer to A on ${r.wins}/${r.n} texts${note}`);
  return r;
};
tb("A", "A-distil", ["B", "D"], "  (distilled)");
const sameData: Array<[string, string, string]> = [["A", "B", "D"], ["B", "A", "D"], ["A", "D", "B"], ["D", "A", "B"], ["B", "D", "A"], ["D", "B", "A"]];
const pair = sameData.map(([a, b, c]) => tb(a, b, [c], "  (independent, same data X)"));
tb("A", "B", ["C", "D", "G"], "  (independent; controls C, G on other data)");
const worst = pair.reduce((x, y) => (y.t > x.t ? y : x));
console.log(`  the largest independent same-data excess: ${worst.m.toFixed(3)}, t ${worst.t.toFixed(1)} on ${worst.n} texts. If it is an affinity of the pair`);
console.log(`  (not chance), 10x the texts would give t ${(worst.t * Math.sqrt(10)).toFixed(1)}, p ${studentTSf(worst.t * Math.sqrt(10), 10 * worst.n - 1).toExponential(1)}: a test over texts tests "no affinity at all",`);
console.log("  which independent models need not meet; the verdict keeps the model-level test (k - 1 degrees of freedom).");

// ---- power: the student's distance to A, a KL statistic at the model level, and the controls needed
console.log("\npower (why A-distil is not found):");
const klA = (x: string) => avg(klByText(devRecord("A").record, devRecord(x).record));
console.log(`  KL(A || X) a position, A's top 32 tokens: ${["A-distil", "B", "D", "C", "G"].map((x) => `${x} ${klA(x).toFixed(3)}`).join(", ")}`);
{
  const members = ["A-distil", "B", "D"];
  const ex = members.map((x) => {
    const X = devRecord(x).record;
    const toA = avg(klByText(X, devRecord("A").record));
    return avg(members.filter((y) => y !== x).map((y) => avg(klByText(X, devRecord(y).record)))) - toA;
  });
  const r = poolTest(ex[0] as number, ex.slice(1));
  console.log(`  KL statistic, model level (pool A-distil, B, D; excess = mean KL to the others - KL to A): ${ex.map((v) => v.toFixed(3)).join(" / ")}, t ${r.t.toFixed(2)}, p ${r.pValue.toFixed(3)}`);
  const ag = behaviourVerdict(devRecord("A"), devRecord("A-distil"), ["B", "D"].map(devRecord));
  const c = ag.controls.map((x) => x.agreement);
  const m = avg(c);
  const sd = Math.sqrt(c.reduce((a, x) => a + (x - m) ** 2, 0) / (c.length - 1));
  const z = (ag.suspectAgreement - m) / sd;
  console.log(`  agreement: A-distil ${(z).toFixed(1)} control sds above the controls' mean; with k controls of that spread the t test gives:`);
  console.log(`  ${[2, 4, 10, 20, 25, 30].map((k) => `k=${k} p=${studentTSf(z / Math.sqrt(1 + 1 / k), k - 1).toExponential(1)}`).join("  ")}`);
}

// ---- the text level (compare across tokenizers): next characters where every model's tokens end
console.log("\ntext level (tokenizers differ; src/behaviour/text-level.ts):");
{
  const withText = (id: string) => {
    const m = loadModel(dev(id));
    try {
      const t0 = performance.now();
      const r = recordBehaviour(m, probes, { text: true });
      return { name: id, record: r, seconds: (performance.now() - t0) / 1000 };
    } finally {
      m.close();
    }
  };
  const recs = new Map(["A", "A-distil", "B", "D", "A-vocab"].map((id) => [id, withText(id)]));
  const textOf = (ids: string[]) => onCommonOffsets(ids.map((id) => recs.get(id)?.record.text as BehaviourRecord)).map((record, i) => ({ name: ids[i] as string, record }));
  const a = recs.get("A") as { seconds: number };
  const plain = loadModel(dev("A"));
  const t1 = performance.now();
  try {
    recordBehaviour(plain, probes);
  } finally {
    plain.close();
  }
  console.log(`  A's forward passes with the text view: ${a.seconds.toFixed(1)} s (${((performance.now() - t1) / 1000).toFixed(1)} s without, measured after it)`);
  const tokenLevel = behaviourVerdict(devRecord("A"), devRecord("A-distil"), ["B", "D"].map(devRecord));
  const [ta, tb, ...tc] = textOf(["A", "A-distil", "B", "D"]);
  row("A -> A-distil [B,D] token level", tokenLevel);
  row("A -> A-distil [B,D] text level (byte models: the same test)", behaviourVerdict(ta as NamedRecord, tb as NamedRecord, tc));
  // the reference of another tokenizer (A's vocabulary-extended fine-tune); B and controls share one
  const [va, vb, ...vc] = textOf(["A-vocab", "A-distil", "B", "D"]);
  const v = behaviourVerdict(va as NamedRecord, vb as NamedRecord, vc);
  row("A-vocab -> A-distil [B,D] text level", v);
  console.log(`    ${v.positions} shared boundaries of ${devRecord("A").record.tokens} positions`);
}

// ---- stored behavioural fingerprints
console.log("\nstored behavioural fingerprints (register --behaviour; top 16, 1/8-nat steps):");
const stored = (id: string) => ({ name: id, record: decodeBehaviour(encodeBehaviour(devRecord(id).record)) });
for (const id of ["S", "A"]) console.log(`  ${id}: ${encodeBehaviour(devRecord(id).record).length} bytes`);
row("A -> A-distil [B,D] (stored)", behaviourVerdict(stored("A"), stored("A-distil"), ["B", "D"].map(stored)));
row("A -> A-distil [B,C,D,G] (stored)", behaviourVerdict(stored("A"), stored("A-distil"), ["B", "C", "D", "G"].map(stored)));
row("A -> B [C,D,G] (stored)", behaviourVerdict(stored("A"), stored("B"), ["C", "D", "G"].map(stored)));
const t0 = performance.now();
const sc = await scanBehaviour(stored("A-distil"), ["A", "B", "C", "D", "G"].map(stored));
console.log(`  scan --behaviour A-distil against A, B, C, D, G: ${sc.candidates.map((c) => `${c.name} p=${c.pValue.toFixed(3)}`).join(", ")}; derived: ${sc.derived.join(", ") || "none"}; tests ${((performance.now() - t0) / 1000).toFixed(2)} s after the suspect's forward passes`);

// ---- scan --behaviour over a registry of the five bases: every suspect independent of every target but its own copy
{
  const registry = bases.map(stored);
  const suspects: Array<{ name: string; record: BehaviourRecord }> = [
    ...bases.map(stored),
    ...["A-ft", "B-ft", "A-rot", "B-rot"].map(stored),
    ...teachers.map((t) => ({ name: `student of ${t}`, record: decodeBehaviour(encodeBehaviour(studentRecord(t, "logits", 11).record)) })),
  ];
  const ps: number[] = [];
  const judged: number[] = [];
  let derived = 0;
  for (const sus of suspects) {
    // a suspect derived by weights from a base (A-ft, A-rot: from A) is not an independent pair for that base
    const own = sus.name.replace(/^student of /, "").replace(/-(ft|rot)$/, "");
    const r = await scanBehaviour(sus, registry.filter((x) => x.name !== own || sus.name.startsWith("student")));
    for (const c of r.candidates) {
      if (sus.name === `student of ${c.name}`) continue; // the student's own teacher: not a null pair
      ps.push(c.pValue);
      if (!c.reason.startsWith("B behaves unlike every control")) judged.push(c.pValue);
      if (c.verdict === "behaviour-derived") derived++;
      if (c.pValue <= 0.05) console.log(`  ${sus.name} -> target ${c.name}: p ${c.pValue.toFixed(3)}, ${c.verdict} (${c.reason.slice(0, 60)})`);
    }
  }
  console.log(`\nscan --behaviour, registry A, B, C, D, G (stored), ${suspects.length} suspects, ${ps.length} independent (suspect, target) tests:`);
  const at = (v: number[], a: number) => (v.filter((p) => p <= a).length / v.length).toFixed(3);
  console.log(`  raw p, all tests: P(p <= 0.01) = ${at(ps, 0.01)}, P(p <= 0.05) = ${at(ps, 0.05)}; behaviour-derived after Bonferroni: ${derived}`);
  console.log(`  the ${judged.length} tests where the suspect is not the pool's most isolated member: P(p <= 0.01) = ${at(judged, 0.01)}, P(p <= 0.05) = ${at(judged, 0.05)}`);
}

// ---- across tokenizers: independently trained models of three tokenizers, every pair independent
{
  const tiny = sharedPath("models");
  const models: Array<[string, () => CanonicalModel]> = [
    ["stories260K (tok512)", () => loadModel(join(tiny, "stories260K", "stories260K.bin"))],
    ["llama2xs (tok512)", () => {
      const m = loadModel(join(tiny, "llama2xs-saltyduckegg", "model.bin"));
      return { ...m, tokens: readTokenizerFile(join(tiny, "stories260K", "tok512.bin"), m.params.vocab) };
    }],
    ["babyllama (tok105)", () => loadModel(join(tiny, "babyllama-en10", "model5000-tok105.bin"))],
    ...bases.map((id): [string, () => CanonicalModel] => [`${id} (bytes)`, () => loadModel(dev(id))]),
  ];
  const viewed = models.map(([name, open]) => {
    const m = open();
    try {
      return { name, record: asStored(m) };
    } finally {
      m.close();
    }
  });
  const ps: number[] = [];
  const judged: number[] = [];
  let derived = 0;
  let textLevel = 0;
  for (const sus of viewed) {
    const r = await scanBehaviour(sus, viewed.filter((x) => x !== sus));
    for (const c of r.candidates) {
      ps.push(c.pValue);
      if (c.level === "text") textLevel++;
      if (!c.reason.startsWith("B behaves unlike every control")) judged.push(c.pValue);
      if (c.verdict === "behaviour-derived") derived++;
      if (c.pValue <= 0.05) console.log(`  ${sus.name} -> target ${c.name} (${c.level}): p ${c.pValue.toFixed(3)}, ${c.verdict} (${c.reason.slice(0, 50)})`);
    }
  }
  const at = (v: number[], a: number) => (v.filter((p) => p <= a).length / Math.max(1, v.length)).toFixed(3);
  console.log(`\nscan --behaviour across tokenizers: ${viewed.length} independently trained models (stories260K, llama2xs, babyllama, A, B, C, D, G), each against the other ${viewed.length - 1}:`);
  console.log(`  ${ps.length} tests (${textLevel} at the text level): P(p <= 0.01) = ${at(ps, 0.01)}, P(p <= 0.05) = ${at(ps, 0.05)}; behaviour-derived after Bonferroni: ${derived}`);
  console.log(`  the ${judged.length} where the suspect is not the pool's most isolated member: P(p <= 0.01) = ${at(judged, 0.01)}, P(p <= 0.05) = ${at(judged, 0.05)}`);
}

// ---- with --trained-body: students whose body is a trained model's (G, man pages), only the head distilled
if (trainedBody) {
  const onG = (teacher: string) =>
    recordOf(`student-of-${teacher}-on-G-48`, () => {
      const body = loadModel(dev("G"));
      const applied = applySteps(draftOf(body), parseSteps(`distil:logits=${dev(teacher)}@48`), { seed: 7, opened: [body] });
      try {
        return materialize(applied.draft, `student of ${teacher} on G's body`);
      } finally {
        applied.close();
      }
    });
  console.log("\nstudents on a trained body (G's; head distilled from the teacher's logits, 48 sequences):");
  const named = (t: string) => ({ ...onG(t), name: `student of ${t}` });
  row("A -> student of A [students of B,C,D,B-ft,C-partial]", behaviourVerdict(devRecord("A"), named("A"), ["B", "C", "D", "B-ft", "C-partial"].map(named)));
  row("B -> student of A [students of C,D,C-partial] (twin)", behaviourVerdict(devRecord("B"), named("A"), ["C", "D", "C-partial"].map(named)));
}

// ---- a 1B-shaped model (dim 2048, 16 layers, ffn 8192, 32 heads, 8 kv heads, vocab 128256)
if (big) {
  const shape = { family: "llama" as const, dim: 2048, ffn: 8192, heads: 32, kvHeads: 8, vocab: 128256, ctx: 128, seed: 3 };
  const tokens = Array.from({ length: 32 }, (_, i) => (i * 7919) % 128256);
  const per: number[] = [];
  for (const layers of [1, 2]) {
    const m = materialize(synthesize({ ...shape, layers }), `1B-shaped, ${layers} layer(s)`);
    try {
      const net = new Transformer(m, { maxBytes: 8 * 1024 ** 3 });
      net.logits(tokens.slice(0, 2)); // weights are converted on first use: not part of the per-token cost
      const t1 = performance.now();
      net.logits(tokens);
      per.push((performance.now() - t1) / tokens.length);
    } finally {
      m.close();
    }
  }
  const layer = (per[1] as number) - (per[0] as number);
  const whole = (per[0] as number) - layer + 16 * layer;
  const probeTokens = devRecord("A").record.tokens;
  console.log(`\n1B-shaped model: ${(per[0] as number).toFixed(0)} ms/token with 1 layer, ${(per[1] as number).toFixed(0)} with 2; 16 layers ~ ${whole.toFixed(0)} ms/token,`);
  console.log(`  i.e. ~${((whole * probeTokens) / 3.6e6).toFixed(1)} h for the ${probeTokens} probe tokens (float32 weights 5 GB: above run's 2 GiB limit)`);
}
