/**
 * @module api/scan-behaviour
 * The `behaviour` section of `scan --behaviour`: the registered behavioural fingerprints (found by
 * the registry's index, no other part read), the suspect's own record (forward passes, through the
 * stored form so it is compared exactly as the registered ones are), and the weight relations
 * (weight-relations.ts) that keep the target's and the suspect's relatives out of the controls.
 */
import { scanBehaviour } from "../behaviour/scan-behaviour.js";
import type { RegisteredBehaviour } from "../behaviour/scan-controls.js";
import { asStored, decodeBehaviour } from "../behaviour/stored.js";
import type { Fingerprint } from "../fingerprint/types.js";
import type { CanonicalModel } from "../model/canonical.js";
import type { RegistryBackend, StoredBehaviour } from "../registry/backend.js";
import { behaviourScanDocument, type BehaviourScanDocument } from "../report/behaviour-document.js";
import { weightRelations } from "./weight-relations.js";

/** The registered behavioural fingerprints, decoded (a damaged one is an error naming the registry and the model). */
export function registeredBehaviours(b: RegistryBackend, stored: readonly StoredBehaviour[]): RegisteredBehaviour[] {
  return stored.map((s) => ({ name: s.name, parameters: s.parameters, record: decodeBehaviour(s.bytes, `${b.name}: model ${JSON.stringify(s.name)}`) }));
}

/**
 * `suspectRelatives`: the registered models the weight scan found related to the suspect (never
 * its controls).
 */
export async function behaviourSection(b: RegistryBackend, model: CanonicalModel, fp: Fingerprint, suspectRelatives: readonly string[], report: (stage: string, done: number, total: number) => void): Promise<BehaviourScanDocument> {
  const stored = await b.behaviours();
  const registered = registeredBehaviours(b, stored);
  const related = weightRelations(b, new Map(stored.map((s) => [s.name, s.id])));
  const record = asStored(model, (d, t) => report("forward passes", d, t));
  const isRelative = async (target: string, candidate: string) => suspectRelatives.includes(candidate) || (await related(target, candidate));
  return behaviourScanDocument(await scanBehaviour({ name: model.path, parameters: fp.summary.parameters, record }, registered, { isRelative }));
}
