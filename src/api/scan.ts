/**
 * @module api/scan
 * Fingerprint a suspect model, compare it with the registered models most likely related, and
 * say whose weights it carries and what follows: findings (leak, gated redistribution, base-model
 * claims, licence obligations) and whether they fail the `failOn` rule. The document is
 * pedigree.scan/2 (docs/json.md); scanExport turns the outcome into a BOM or findings log.
 */
import { UsageError } from "../errors.js";
import { runVocabulary } from "../run/index.js";
import type { BehaviourScanDocument } from "../report/behaviour-document.js";
import { DEFAULT_FAIL_ON, failing, parseFailOn, type FailOn } from "../policy/fail-on.js";
import { scanFindings } from "../policy/findings/index.js";
import type { Finding } from "../policy/report-input.js";
import { suspectFacts, type SuspectFacts } from "../policy/suspect.js";
import { computeFingerprint } from "../fingerprint/compute.js";
import { scanDocument, type ScanDocument } from "../report/scan-document.js";
import { scanOnBackend } from "../scan/fetch.js";
import { scanModel, type ScanResult } from "../scan/scan.js";
import { DEFAULT_CANDIDATES, DEFAULT_EXHAUSTIVE_UP_TO } from "../scan/select.js";
import { traceMatches } from "../trace/scan-trace.js";
import { progressOf, throwIfAborted, type OperationOptions } from "./cancel.js";
import { keyOf } from "./mark.js";
import { behaviourSection } from "./scan-behaviour.js";
import { useBackend, withModel, type ModelInput, type RegistryInput } from "./inputs.js";

export interface ScanOptions extends OperationOptions {
  model: ModelInput;
  registry?: RegistryInput;
  /** Which findings fail the scan: a --fail-on string or a parsed rule (default "derivation,low"). */
  failOn?: string | FailOn;
  /** Who publishes the suspect (default: the author it declares). */
  publisher?: string;
  /** Registered models taken from the index for comparison (default 8). */
  candidates?: number;
  /** Candidates also compared against the suspect's full weights when fingerprints do not settle it (default 3). */
  deep?: number;
  /**
   * With the key the registered models' copies were marked with, and the unmarked weights: a leak
   * or gated-redistribution finding names the recipient(s) whose copy the suspect was made from.
   */
  trace?: { master: string; key: Uint8Array | { file: string } };
  /**
   * Also test whether the suspect was trained on a registered model's outputs: the suspect's
   * forward passes on the built-in probes against the registered behavioural fingerprints
   * (`register --behaviour`). Reported in the document's `behaviour` object, beside the weight
   * findings and never mixed with them.
   */
  behaviour?: boolean;
}

export interface ScanOutcome {
  scan: ScanResult;
  facts: SuspectFacts;
  findings: Finding[];
  /** The findings that match the failOn rule (the CLI exits 1 when there is any). */
  failing: Finding[];
  document: ScanDocument & { behaviour?: BehaviourScanDocument };
}

export async function scan(opts: ScanOptions): Promise<ScanOutcome> {
  const failOn = typeof opts.failOn === "object" ? opts.failOn : parseFailOn(opts.failOn ?? DEFAULT_FAIL_ON);
  const key = opts.trace ? keyOf(opts.trace.key) : undefined;
  throwIfAborted(opts.signal, "scan");
  const report = progressOf(opts, "scan");
  return useBackend(opts.registry, { readOnly: true }, async (b) => {
    if ((await b.count()) === 0) throw new UsageError(`no models are registered in ${b.name}: add the models to look for with \`pedigree register\``);
    return withModel(opts.model, async (model) => {
      // before the weight scan: a suspect that cannot be probed fails at once, not after it
      if (opts.behaviour && !runVocabulary(model)) throw new UsageError(`${model.path}: the model has no tokenizer; scan --behaviour encodes probe texts`);
      const t0 = performance.now();
      const fp = computeFingerprint(model, { onLayer: (d, t) => report("fingerprint", d, t) });
      const fingerprintMs = performance.now() - t0;
      const candidates = opts.candidates ?? DEFAULT_CANDIDATES;
      const { result, ws } = await scanOnBackend(b, fp, model.declared.baseModels, candidates, (set) => scanModel(set.db, model, {
        candidates, deep: opts.deep ?? 3, exhaustiveUpTo: DEFAULT_EXHAUSTIVE_UP_TO, onStage: report, fingerprint: fp, registered: set.registered,
      }));
      try {
        result.timings.fingerprintMs = Math.round(fingerprintMs + result.timings.compareMs);
        const facts = suspectFacts(model, opts.publisher);
        const traced = opts.trace && key ? traceMatches(ws.db, model, result.matches, opts.trace.master, key) : undefined;
        const findings = scanFindings(facts, result, traced);
        const fails = failing(findings, failOn);
        const document: ScanOutcome["document"] = scanDocument(facts, result, findings, fails.length > 0 ? 1 : 0);
        if (opts.behaviour) {
          throwIfAborted(opts.signal, "scan");
          document.behaviour = await behaviourSection(b, model, fp, result.matches.filter((m) => m.verdict === "derived").map((m) => m.model.name), report);
        }
        return { scan: result, facts, findings, failing: fails, document };
      } finally {
        ws.close();
      }
    });
  });
}
