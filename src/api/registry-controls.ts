/**
 * @module api/registry-controls
 * `compare A B --behaviour --registry R` without --controls: the controls are chosen among R's
 * behavioural fingerprints (register --behaviour) as scan --behaviour chooses them
 * (behaviour/scan-behaviour.ts controlsFor): made on the built-in probes with B's tokenization, not
 * behaving as A or B do (copies of either), not related to A by weights, the 16 nearest B's size.
 * A and B are run through the stored form (top 16, 1/8-nat steps), so all records are alike.
 */
import { builtinProbes } from "../behaviour/probes.js";
import { recordBehaviour } from "../behaviour/record.js";
import { comparable, controlsFor, identical, type RegisteredBehaviour } from "../behaviour/scan-behaviour.js";
import { decodeBehaviour, encodeBehaviour, STORED_TOP_K } from "../behaviour/stored.js";
import { UsageError } from "../errors.js";
import { computeFingerprint } from "../fingerprint/compute.js";
import type { CanonicalModel } from "../model/canonical.js";
import type { RegistryBackend } from "../registry/backend.js";
import { weightRelations } from "./weight-relations.js";

export interface RegistryControls {
  a: RegisteredBehaviour;
  b: RegisteredBehaviour;
  controls: RegisteredBehaviour[];
  /** Registered models related to A by weights, left out. */
  relatives: string[];
  /** Registered models behaving as A or B do, left out. */
  copies: string[];
}

const A_NAME = "\u0000A";

function tooFew(reg: RegistryBackend, n: number, comparable: number): UsageError {
  return new UsageError(`${reg.name} holds ${n} model(s) with a comparable behavioural fingerprint unrelated to A by weights (${comparable} comparable): the test needs 2 or more (register models trained like B with --behaviour, or give --controls)`);
}

export async function registryControls(reg: RegistryBackend, a: CanonicalModel, b: CanonicalModel, onProgress: (done: number, total: number) => void): Promise<RegistryControls> {
  const stored = await reg.behaviours();
  // before any forward pass: a registry without 2 behavioural fingerprints cannot give 2 controls
  if (stored.length < 2) throw tooFew(reg, stored.length, stored.length);
  const probes = builtinProbes();
  const n = probes.texts.length;
  const run = (m: CanonicalModel, from: number) => decodeBehaviour(encodeBehaviour(recordBehaviour(m, probes, { k: STORED_TOP_K, onProbe: (d) => onProgress(from + d, 2 * n) })));
  const ra: RegisteredBehaviour = { name: a.path, record: run(a, 0) };
  const fpB = computeFingerprint(b);
  const rb: RegisteredBehaviour = { name: b.path, record: run(b, n), parameters: fpB.summary.parameters };
  if (!comparable(ra, rb)) throw new UsageError("A and B tokenize the probe texts differently: registered controls are compared token by token; give --controls for a text-level comparison");
  const registered = stored.map((s): RegisteredBehaviour => ({ name: s.name, parameters: s.parameters, record: decodeBehaviour(s.bytes, `${reg.name}: model ${JSON.stringify(s.name)}`) }));
  const same = registered.filter((r) => comparable(rb, r) && comparable(ra, r));
  const copies = same.filter((r) => identical(ra.record, r.record) || identical(rb.record, r.record));
  const pool = same.filter((r) => !copies.includes(r));
  const related = await weightRelations(reg, new Map(stored.filter((s) => pool.some((p) => p.name === s.name)).map((s) => [s.name, s.id])), new Map([[A_NAME, computeFingerprint(a)]]));
  const target: RegisteredBehaviour = { ...ra, name: A_NAME };
  const { controls, relatives } = controlsFor(target, rb, [target, ...pool], related);
  if (controls.length < 2) throw tooFew(reg, controls.length, same.length);
  return { a: ra, b: rb, controls, relatives, copies: copies.map((c) => c.name) };
}
