/**
 * @module api/registry-controls
 * `compare A B --behaviour --registry R` without --controls: the controls are chosen among R's
 * behavioural fingerprints (register --behaviour) as scan --behaviour chooses them for target A
 * (behaviour/scan-controls.ts): made on the built-in probes with B's tokenizer, not behaving as A or
 * B do (copies of either), related by weights neither to A nor to B, the 16 nearest B's size. A and
 * B are run through the stored form (top 16, 1/8-nat steps), so all records are alike; when A's
 * tokenizer is not B's, the test runs at the text level on the stored text views.
 */
import type { BehaviourLevel } from "../behaviour/compare-behaviour.js";
import type { BehaviourRecord } from "../behaviour/record.js";
import { chooseControls, comparable, identical, sizeOrder, textComparable, type RegisteredBehaviour } from "../behaviour/scan-controls.js";
import { asStored } from "../behaviour/stored.js";
import { onCommonOffsets } from "../behaviour/text-level.js";
import type { NamedRecord } from "../behaviour/verdict.js";
import { UsageError } from "../errors.js";
import { computeFingerprint } from "../fingerprint/compute.js";
import type { CanonicalModel } from "../model/canonical.js";
import type { RegistryBackend } from "../registry/backend.js";
import { registeredBehaviours } from "./scan-behaviour.js";
import { weightRelations } from "./weight-relations.js";

export interface RegistryControls {
  level: BehaviourLevel;
  /** [A, B, ...controls], at that level. */
  named: NamedRecord[];
  /** A's and B's forward passes. */
  runs: BehaviourRecord[];
  /** Registered models related by weights to A or B, left out. */
  relatives: string[];
  /** Registered models behaving as A or B do, left out. */
  copies: string[];
}

const A_NAME = "\u0000A";
const B_NAME = "\u0000B";

function tooFew(reg: RegistryBackend, n: number, comparable: number): UsageError {
  return new UsageError(`${reg.name} holds ${n} model(s) with a comparable behavioural fingerprint unrelated to A and B by weights (${comparable} comparable): the test needs 2 or more (register models trained like B with --behaviour, or give --controls)`);
}

export async function registryControls(reg: RegistryBackend, a: CanonicalModel, b: CanonicalModel, onProgress: (done: number, total: number) => void): Promise<RegistryControls> {
  const stored = await reg.behaviours();
  // before any forward pass: a registry without 2 behavioural fingerprints cannot give 2 controls
  if (stored.length < 2) throw tooFew(reg, stored.length, stored.length);
  const run = (m: CanonicalModel, half: number) => asStored(m, (d, t) => onProgress(half * t + d, 2 * t));
  const fpB = computeFingerprint(b);
  const ra: RegisteredBehaviour = { name: A_NAME, record: run(a, 0) };
  const rb: RegisteredBehaviour = { name: B_NAME, record: run(b, 1), parameters: fpB.summary.parameters };
  const level: BehaviourLevel = comparable(ra, rb) ? "token" : "text";
  const registered = registeredBehaviours(reg, stored);
  // the controls share B's tokenizer (and, at the text level, kept a text view)
  const same = registered.filter((r) => comparable(rb, r) && (level === "token" || textComparable(rb, r)));
  const copies = same.filter((r) => identical(ra.record, r.record) || identical(rb.record, r.record));
  const pool = same.filter((r) => !copies.includes(r));
  const related = weightRelations(reg, new Map(stored.map((s) => [s.name, s.id])), new Map([[A_NAME, computeFingerprint(a)], [B_NAME, fpB]]));
  const { controls, relatives } = await chooseControls(A_NAME, sizeOrder(ra, rb, pool), async (t, x) => (await related(t, x)) || (await related(B_NAME, x)));
  if (controls.length < 2) throw tooFew(reg, controls.length, same.length);
  const all = [ra, rb, ...controls];
  const records = level === "token" ? all.map((r) => r.record) : onCommonOffsets(all.map((r) => r.record.text as BehaviourRecord));
  const named = records.map((record, i) => ({ name: i === 0 ? a.path : i === 1 ? b.path : (all[i] as RegisteredBehaviour).name, record }));
  return { level, named, runs: [ra.record, rb.record], relatives, copies: copies.map((c) => c.name) };
}
