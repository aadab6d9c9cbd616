/**
 * @module api/scan-behaviour
 * The `behaviour` section of `scan --behaviour`: the registered behavioural fingerprints (found by
 * the registry's index, no other part read), the suspect's own record (forward passes, through the
 * stored form so it is compared exactly as the registered ones are), and the weight relations
 * between the registered models that keep a target's relatives out of its controls: two models
 * are related when the weight test finds one derived from the other (siblings share their
 * parent's weights, so they show too). Only the pairs a control choice asks about are compared.
 */
import { builtinProbes } from "../behaviour/probes.js";
import { recordBehaviour } from "../behaviour/record.js";
import { scanBehaviour, type RegisteredBehaviour } from "../behaviour/scan-behaviour.js";
import { decodeBehaviour, encodeBehaviour, STORED_TOP_K } from "../behaviour/stored.js";
import { decodeFingerprint } from "../fingerprint/codec.js";
import { compareFingerprints } from "../fingerprint/compare-fp.js";
import type { Fingerprint } from "../fingerprint/types.js";
import type { CanonicalModel } from "../model/canonical.js";
import type { RegistryBackend } from "../registry/backend.js";
import { behaviourScanDocument, type BehaviourScanDocument } from "../report/behaviour-document.js";

/** related(a, b) from the registered fingerprints, each pair compared once, when first asked. */
async function weightRelations(b: RegistryBackend, ids: Map<string, number>): Promise<(a: string, c: string) => boolean> {
  const fps = new Map<string, Fingerprint>();
  for (const m of await b.models([...ids.values()])) fps.set(m.record.name, decodeFingerprint(m.parts, `${b.name}: model ${JSON.stringify(m.record.name)}`));
  const known = new Map<string, boolean>();
  return (a, c) => {
    const key = a < c ? `${a}\u0000${c}` : `${c}\u0000${a}`;
    let r = known.get(key);
    if (r === undefined) {
      const fa = fps.get(a);
      const fc = fps.get(c);
      r = !!fa && !!fc && compareFingerprints(fa, fc).verdict === "derived";
      known.set(key, r);
    }
    return r;
  };
}

export async function behaviourSection(b: RegistryBackend, model: CanonicalModel, fp: Fingerprint, report: (stage: string, done: number, total: number) => void): Promise<BehaviourScanDocument> {
  const stored = await b.behaviours();
  const registered: RegisteredBehaviour[] = stored.map((s) => ({ name: s.name, parameters: s.parameters, record: decodeBehaviour(s.bytes, `${b.name}: model ${JSON.stringify(s.name)}`) }));
  const related = await weightRelations(b, new Map(stored.map((s) => [s.name, s.id])));
  const record = decodeBehaviour(encodeBehaviour(recordBehaviour(model, builtinProbes(), { k: STORED_TOP_K, onProbe: (d, t) => report("forward passes", d, t) })));
  return behaviourScanDocument(scanBehaviour({ name: model.path, parameters: fp.summary.parameters, record }, registered, { related }));
}
