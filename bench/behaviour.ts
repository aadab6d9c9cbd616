/**
 * `npm run bench:behaviour`: the behavioural test (compare --behaviour) on dev-families and forged
 * students, with its calibration and cost.
 *  - cost: forward-pass tokens and seconds per model on the built-in probes (stories260K, a dev model);
 *  - calibration: every ordered pair of independently trained dev-families bases (A, B, C, D, G;
 *    controls = the other three), the twins' derivatives (A-ft/B-ft, A-rot/B-rot), and forged
 *    students of independent teachers: P(p <= a) at a = 0.01, 0.05 (calibrated: <= a);
 *  - power: A-distil against A, and forged students of A (logits, text) against students of other
 *    teachers as controls.
 * Run: npm run bench:behaviour [-- --sequences N]  (N: teacher sequences per forged student, 16)
 * Records are cached in $TMPDIR/pedigree-bench-behaviour (delete it to re-measure the cost).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { builtinProbes } from "../src/behaviour/probes.js";
import { recordBehaviour, type BehaviourRecord } from "../src/behaviour/record.js";
import { behaviourVerdict, type BehaviourResult } from "../src/behaviour/verdict.js";
import { applySteps } from "../src/forge/forge.js";
import { parseSteps } from "../src/forge/parse-steps.js";
import { synthesize } from "../src/forge/synthesize.js";
import { loadModel } from "../src/load-model.js";
import type { CanonicalModel } from "../src/model/canonical.js";
import { materialize } from "../src/model/materialize.js";
import { sharedPath } from "../src/test-support/shared.js";

const args = process.argv.slice(2);
const si = args.indexOf("--sequences");
const sequences = si >= 0 ? Number(args[si + 1]) : 16;
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
