/**
 * @module report/documents
 * The JSON documents of the commands that have no report module of their own (registry
 * operations, run, mark, trace, demo, version, errors): each carries a `schema` naming it and its
 * version (`pedigree.<document>/<n>`, docs/json.md), and every one follows the same names:
 * `license` (never "licence") for a licence id, `parameters` for a weight count, `config` for the
 * hyper-parameters object, `log10PValue` beside every `pValue`. docs/schemas/ holds a JSON Schema
 * for each; the tests validate every command's real output against them.
 */
import type { FingerprintSummary } from "../fingerprint/types.js";
import type { ImportResult } from "../registry/import.js";
import type { IssuedCopy } from "../registry/issued.js";
import type { ModelEntry, ModelListing, ModelRecord } from "../registry/store.js";
import type { Accused, TraceResult } from "../trace/trace.js";
import type { IssuedTrace } from "../trace/trace-issued.js";
import type { Generation, NextToken } from "../run/generate.js";

export const SCHEMAS = {
  version: "pedigree.version/1",
  error: "pedigree.error/1",
  run: "pedigree.run/1",
  register: "pedigree.register/1",
  list: "pedigree.list/1",
  show: "pedigree.show/1",
  remove: "pedigree.remove/1",
  export: "pedigree.export/1",
  import: "pedigree.import/1",
  mark: "pedigree.mark/1",
  recipients: "pedigree.recipients/1",
  trace: "pedigree.trace/2",
  demo: "pedigree.demo/1",
} as const;

export const TRACE_SCHEMA = SCHEMAS.trace;

/** `pedigree --version --json`. */
export function versionDocument(version: string) {
  return { schema: SCHEMAS.version, version };
}

/** A failure under --json, printed on stderr. `file` only when the error is about one. */
export function errorDocument(code: string, message: string, file?: string) {
  return { schema: SCHEMAS.error, error: { code, message, ...(file !== undefined ? { file } : {}) } };
}

/** A fingerprint summary with the document names: `config` for the hyper-parameters. */
export function summaryDocument(s: FingerprintSummary) {
  const { params, ...rest } = s;
  return { ...rest, config: { ...params } };
}

/** A registered model as `show` and `register` give it. */
export function entryDocument(registry: string, e: ModelEntry) {
  const { summary, ...rest } = e;
  return { registry, ...rest, summary: summaryDocument(summary) };
}

export function registerDocument(registry: string, e: ModelEntry) {
  return { schema: SCHEMAS.register, ...entryDocument(registry, e) };
}

export function showDocument(registry: string, e: ModelEntry) {
  return { schema: SCHEMAS.show, ...entryDocument(registry, e) };
}

export function listDocument(registry: string, models: ModelListing[]) {
  return { schema: SCHEMAS.list, registry, models };
}

export function removeDocument(registry: string, removed: ModelRecord) {
  return { schema: SCHEMAS.remove, registry, removed };
}

export function importDocument(registry: string, r: ImportResult) {
  return { schema: SCHEMAS.import, registry, ...r };
}

/** `export --out FILE --json`: what was written where (the export itself is JSON Lines). */
export function exportDocument(registry: string, out: string | null, models: number) {
  return { schema: SCHEMAS.export, registry, out, models };
}

export function recipientsDocument(registry: string, model: string, recipients: IssuedCopy[]) {
  return { schema: SCHEMAS.recipients, registry, model, recipients };
}

export function markDocument(registry: string, issued: IssuedCopy, w: { out: string; format: string; dtype: string; bytes: number; seconds: number }) {
  return { schema: SCHEMAS.mark, registry, issued, out: w.out, format: w.format, dtype: w.dtype, bytes: w.bytes, seconds: w.seconds };
}

function accused(a: Accused) {
  return { recipient: a.recipient, pValue: a.pValue, log10PValue: Math.round(a.log10P * 100) / 100, strength: a.strength };
}

/** `trace --json`: version 2 names the log10 p-value `log10PValue`, as every other document does. */
export function traceDocument(suspect: string, r: IssuedTrace) {
  const { named, best, frame, ...rest } = r as IssuedTrace & TraceResult;
  return {
    schema: SCHEMAS.trace, suspect, model: rest.model, named: named.map(accused), tested: rest.tested, level: rest.level,
    best: best ? accused(best) : null,
    frame: { ...frame, probes: frame.probes.map((p) => ({ kind: p.kind, log10PValue: Math.round((p.logP / Math.LN10) * 100) / 100, ...(p.note ? { note: p.note } : {}) })) },
    layerMap: rest.layerMap, paired: rest.paired, entries: rest.entries, change: rest.change, otherKey: rest.otherKey, notes: rest.notes, timings: rest.timings,
  };
}

/** `run --json`: a generation, or with --logits the next-token distribution. */
export function runDocument(model: string, prompt: string | null, r: { kind: "next-tokens"; promptTokens: number[]; top: NextToken[] } | ({ kind: "generation"; temperature: number; seed?: number } & Generation)) {
  if (r.kind === "next-tokens") return { schema: SCHEMAS.run, kind: r.kind, model, prompt, promptTokens: r.promptTokens, top: r.top.map((t) => ({ id: t.id, token: t.token ?? null, prob: t.prob, logit: t.logit })) };
  return {
    schema: SCHEMAS.run, kind: r.kind, model, prompt, promptTokens: r.promptTokens, tokens: r.tokens, text: r.text ?? null, fullText: r.fullText ?? null,
    stop: r.stop, tokensPerSecond: Math.round(r.tokensPerSecond * 10) / 10, temperature: r.temperature, ...(r.temperature > 0 && r.seed !== undefined ? { seed: r.seed } : {}),
  };
}

export function demoDocument<C, S>(d: { dir: string; base: string; suspect: string; independent: string; steps: string; comparisons: C[]; registry: string; scan: S }) {
  return { schema: SCHEMAS.demo, ...d };
}
