/**
 * @module policy/licences/obligations
 * Which of an ancestor licence's obligations a derivative breaks, each with the licence and the clause
 * (from catalogue.ts): the name prefix (Llama 3+), the attribution to display (Llama, Qwen, Falcon), the
 * NOTICE text, a copy of the licence, a more permissive licence put on the derivative, non-commercial and
 * share-alike terms, and the ban on using outputs to improve other models (Llama 2/3, Tongyi Qianwen).
 * A merge inherits the obligations of every parent: pass all of their licences.
 * What can be checked from the files alone is checked; nothing here is legal advice.
 */
import type { Finding, LicenceInfo, Severity } from "../report-input.js";
import { findLicence, licenceOrOther, type LicenceEntry } from "./catalogue.js";
import { licenceFileKind } from "./files.js";
import { identifyLicenceText, licenceTokens } from "./text-fingerprint.js";

export type ObligationKind =
  | "name-prefix" | "attribution" | "notice" | "licence-copy" | "relicensed" | "non-commercial" | "share-alike" | "output-use" | "unverified-terms";

export interface BrokenObligation {
  kind: ObligationKind;
  /** The ancestor licence whose term is broken (catalogue id). */
  licence: string;
  /** Licence name and section. */
  clause: string;
  severity: Severity;
  title: string;
  detail: string;
  fix: string;
}

export type DerivationKind = "finetune" | "merge" | "adapter" | "quantized" | "conversion" | "distillation";

export interface Derivative {
  /** The derivative's model name (a Hub id "owner/name" or a file name is fine). */
  name: string;
  /** Licences the derivative declares (LicenceInfo from detect.ts, or ids). */
  declaredLicences: ReadonlyArray<LicenceInfo | string>;
  /** The model card (README.md), front matter included; undefined when there is none. */
  cardText?: string;
  /** Files shipped with the derivative; text for licence files when known. */
  files: ReadonlyArray<{ name: string; text?: string } | string>;
  /** How it was derived; a distillation (trained on outputs) only inherits terms that cover outputs. */
  relation?: DerivationKind;
}

const phrase = (s: string) => ` ${licenceTokens(s).join(" ")} `;
const has = (text: string | undefined, p: string) => text !== undefined && phrase(text).includes(phrase(p));
const compact = (s: string) => s.normalize("NFKC").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
/** The notice sentence without its copyright tail (the part a NOTICE file must carry). */
const noticeCore = (notice: string) => notice.replace(/,?\s*(copyright|all rights reserved).*$/i, "");

function modelBaseName(name: string): string {
  const last = name.split(/[\\/]/).pop() ?? name;
  return last.replace(/\.(gguf|safetensors|bin|pt|pth|ggml)$/i, "");
}

function declaredEntries(d: Derivative): LicenceEntry[] {
  const out: LicenceEntry[] = [];
  for (const l of d.declaredLicences) {
    const id = typeof l === "string" ? l : l.id;
    const e = findLicence(id);
    if (e && !out.includes(e)) out.push(e);
  }
  return out;
}

function files(d: Derivative): Array<{ name: string; text?: string }> {
  return d.files.map((f) => (typeof f === "string" ? { name: f } : f));
}

/** May a derivative of `a` carry `d` without dropping a's terms? */
function keepsTerms(a: LicenceEntry, d: LicenceEntry): boolean {
  if (d.id === a.id) return true;
  if (a.family === "cc" && d.family === "cc") return (!a.nonCommercial || !!d.nonCommercial) && (!a.shareAlike || !!d.shareAlike);
  return a.family === d.family && a.family !== "other" && a.family !== "unknown";
}

function checkOne(a: LicenceEntry, d: Derivative): BrokenObligation[] {
  const out: BrokenObligation[] = [];
  const name = modelBaseName(d.name);
  const fs = files(d);
  const who = `"${name}"`;
  if (a.kind === "unknown") {
    return [{
      kind: "unverified-terms", licence: a.id, clause: "unknown terms", severity: "low",
      title: `Ancestor licence is ${a.id === "unknown" ? "unknown" : "not recognised"}`,
      detail: `The ancestor's licence terms are not in the catalogue, so ${who} cannot be checked against them.`,
      fix: "Find the ancestor's licence and check its redistribution terms by hand.",
    }];
  }
  if (d.relation === "distillation" && !a.appliesToOutputs) {
    if (a.outputUseBan) {
      out.push({
        kind: "output-use", licence: a.id, clause: a.outputUseBan.clause, severity: "high",
        title: `${a.name} forbids using its outputs to improve other models`,
        detail: `${who} was trained on outputs of a model under the ${a.name}, which forbids using outputs to improve any other large language model (except its own derivatives).`,
        fix: `Retrain without ${a.name} outputs, or derive from a model whose licence allows it.`,
      });
    }
    return out;
  }

  if (a.namePrefix) {
    const prefix = compact(a.namePrefix.value);
    const n = compact(name);
    const conversion = d.relation === "quantized" || d.relation === "conversion";
    if (!n.startsWith(prefix) && !(conversion && n.includes(prefix))) {
      out.push({
        kind: "name-prefix", licence: a.id, clause: a.namePrefix.clause, severity: "medium",
        title: `Name must begin with "${a.namePrefix.value}"`,
        detail: `${who} derives from a model under the ${a.name} but its name does not begin with "${a.namePrefix.value}".`,
        fix: `Rename the model so that its name begins with "${a.namePrefix.value}" (e.g. "${a.namePrefix.value}-${name}").`,
      });
    }
  }

  if (a.attribution && a.attribution.value.length > 0) {
    const shown = a.attribution.value.some((p) => has(d.cardText, p));
    if (!shown) {
      const want = a.attribution.value.map((p) => `"${p}"`).join(" or ");
      out.push({
        kind: "attribution", licence: a.id, clause: a.attribution.clause, severity: "medium",
        title: `Missing attribution ${want}`,
        detail: d.cardText === undefined
          ? `${who} has no model card, so the attribution ${want} that ${a.name} asks for is not displayed.`
          : `The model card of ${who} does not display ${want}, which ${a.name} asks derivatives to show.`,
        fix: `Add ${want} prominently to the model card or product documentation.`,
      });
    }
  }

  if (a.notice) {
    const core = noticeCore(a.notice.value);
    const noticeFiles = fs.filter((f) => licenceFileKind(f.name) === "notice");
    const inNotice = noticeFiles.some((f) => f.text === undefined || has(f.text, core));
    if (!inNotice) {
      // (a licence file quotes its own notice sentence, so it does not count)
      const elsewhere = has(d.cardText, core) || fs.some((f) => licenceFileKind(f.name) !== "licence" && has(f.text, core));
      out.push({
        kind: "notice", licence: a.id, clause: a.notice.clause, severity: elsewhere ? "low" : "medium",
        title: "Missing licence notice file",
        detail: elsewhere
          ? `The ${a.name} notice appears in ${who}'s files, but not in a "Notice" text file as the licence asks.`
          : `${who} ships no NOTICE file with the notice "${a.notice.value}".`,
        fix: `Add a NOTICE file containing: ${a.notice.value}`,
      });
    }
  }

  if (a.copyRequired) {
    const licenceFiles = fs.filter((f) => licenceFileKind(f.name) === "licence");
    const matches = licenceFiles.filter((f) => f.text === undefined || identifyLicenceText(f.text).id === a.id);
    const linked = a.copyRequired.value === "copy-or-link" && (has(d.cardText, a.name) || (a.url !== undefined && (d.cardText ?? "").includes(a.url)));
    if (matches.length === 0 && !linked) {
      const others = licenceFiles.map((f) => `${f.name}: ${identifyLicenceText(f.text ?? "").id}`);
      out.push({
        kind: "licence-copy", licence: a.id, clause: a.copyRequired.clause, severity: "medium",
        title: `Missing copy of the ${a.name}`,
        detail: licenceFiles.length === 0
          ? `${who} ships no LICENSE file; ${a.name} requires a copy ${a.copyRequired.value === "copy" ? "" : "(or a link) "}to go with copies of derivatives.`
          : `${who}'s licence files do not hold the ${a.name} (${others.join(", ")}).`,
        fix: `Ship the full text of the ${a.name} as LICENSE with the model${a.url ? ` (${a.url})` : ""}.`,
      });
    }
  }

  if (!a.mayRelicense.value) {
    const declared = declaredEntries(d).filter((dl) => dl.kind !== "unknown");
    // In a merge the derivative may carry several restrictive licences at once; a licence that does not keep a's
    // terms is only at fault when it is more permissive, or when a's own terms are declared nowhere.
    const aDeclared = declared.some((dl) => keepsTerms(a, dl));
    for (const dl of declared) {
      if (keepsTerms(a, dl)) continue;
      const permissive = dl.kind === "permissive" || dl.kind === "attribution";
      if (a.nonCommercial && !dl.nonCommercial && !aDeclared) {
        out.push({
          kind: "non-commercial", licence: a.id, clause: a.nonCommercial.clause, severity: "high",
          title: `Non-commercial terms dropped (${dl.id})`,
          detail: `${who} derives from a model under the ${a.name} (non-commercial) but declares ${dl.name}, which allows commercial use.`,
          fix: `Declare the ancestor's licence (${a.id}); the non-commercial restriction stays with every derivative.`,
        });
      }
      if (a.shareAlike && !dl.shareAlike && !aDeclared) {
        out.push({
          kind: "share-alike", licence: a.id, clause: a.shareAlike.clause, severity: "high",
          title: `Share-alike not kept (${dl.id})`,
          detail: `${who} adapts material under the ${a.name} but declares ${dl.name}; adaptations must be shared under the same licence elements.`,
          fix: `License the derivative under ${a.id} (or a later or compatible version).`,
        });
        continue;
      }
      if (!permissive && aDeclared) continue;
      out.push({
        kind: "relicensed", licence: a.id, clause: a.mayRelicense.clause, severity: permissive ? "high" : "medium",
        title: `${permissive ? "More permissive licence" : "Different licence"} declared (${dl.id})`,
        detail: `${who} derives from a model under the ${a.name} but declares ${dl.name}${aDeclared ? "" : ` and not the ${a.name}`}; its terms flow down to derivatives and cannot be replaced.`,
        fix: `Declare ${a.id} for the model (its terms apply to derivatives), and keep its obligations.`,
      });
    }
  }
  return out;
}

/** The ancestor's (or, for a merge, every parent's) obligations that the derivative breaks. */
export function licenceObligations(
  ancestorLicence: string | LicenceInfo | ReadonlyArray<string | LicenceInfo>,
  derivative: Derivative,
): BrokenObligation[] {
  const list = Array.isArray(ancestorLicence) ? ancestorLicence : [ancestorLicence];
  const entries: LicenceEntry[] = [];
  for (const l of list as ReadonlyArray<string | LicenceInfo>) {
    const e = licenceOrOther(typeof l === "string" ? l : l.id);
    if (!entries.includes(e)) entries.push(e);
  }
  const seen = new Set<string>();
  return entries.flatMap((e) => checkOne(e, derivative)).filter((o) => {
    const k = `${o.kind}\u0000${o.licence}\u0000${o.clause}\u0000${o.title}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Broken obligations as report findings (id "licence-obligation"). */
export function obligationFindings(obligations: readonly BrokenObligation[], derivative: string, about?: string): Finding[] {
  return obligations.map((o) => ({
    id: "licence-obligation",
    severity: o.severity,
    title: o.title,
    detail: o.detail,
    ...(about ? { about } : {}),
    license: { id: o.licence, clause: o.clause },
    evidence: { obligation: o.kind, license: o.licence, clause: o.clause, derivative },
    fix: o.fix,
  }));
}
