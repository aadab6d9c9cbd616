/**
 * @module policy/licences/detect
 * The licences a model declares, from every place one can be written: the model card's YAML front matter
 * (`license`, `license_name`, `license_link`), config.json, GGUF metadata (`general.license`,
 * `general.license.name`, `general.license.link`) and the LICENSE / NOTICE / USE_POLICY files of the model
 * folder (texts recognised by text-fingerprint.ts). Pure: the caller reads the files (files.ts).
 * Each source gives its own LicenceInfo, so disagreements between them stay visible.
 */
import type { LicenceInfo } from "../report-input.js";
import { findLicence, LICENCES, type LicenceEntry } from "./catalogue.js";
import { licenceFileKind } from "./files.js";
import { identifyLicenceText, licenceTokens } from "./text-fingerprint.js";

export interface LicenceSources {
  /** Parsed YAML front matter of the model card (README.md). */
  card?: Record<string, unknown>;
  /** Parsed config.json. */
  config?: Record<string, unknown>;
  /** GGUF metadata, keys as written ("general.license", …). */
  gguf?: Record<string, unknown>;
  /** Licence-bearing files of the model folder, by base name. */
  files?: Array<{ name: string; text: string }>;
}

/** A metadata value this long (or with several lines) is a licence text, not a name. */
const TEXT_VALUE = 300;

const isUrl = (s: string) => /^https?:\/\//i.test(s);

function str(v: unknown): string | undefined {
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
}

function strings(v: unknown): string[] {
  if (typeof v === "string") return v.trim() ? [v.trim()] : [];
  if (Array.isArray(v)) return v.flatMap((x) => (typeof x === "string" && x.trim() ? [x.trim()] : []));
  return [];
}

function fromEntry(entry: LicenceEntry, source: string, url?: string): LicenceInfo {
  const u = url ?? entry.url;
  return { id: entry.id, name: entry.name, ...(u ? { url: u } : {}), source, acknowledgement: "declared" };
}

/** A declared id or name: the catalogue entry if known; an unknown Hub id as given; "other" for names. */
function fromDeclared(value: string, source: string, url?: string): LicenceInfo {
  const entry = findLicence(value);
  if (entry) return fromEntry(entry, source, url);
  const looksLikeId = /^[A-Za-z0-9][A-Za-z0-9.+-]*$/.test(value) && value.length <= 40;
  return { id: looksLikeId ? value : "other", name: value, ...(url ? { url } : {}), source, acknowledgement: "declared" };
}

function fromText(text: string, source: string): LicenceInfo {
  const m = identifyLicenceText(text);
  const entry = m.id === "other" ? undefined : findLicence(m.id);
  const base = entry ? fromEntry(entry, m.method === "title" ? `${source} (title only)` : source) : { id: "other", name: "Unrecognised licence text", source, acknowledgement: "declared" as const };
  return { ...base, match: { similarity: m.similarity, fingerprint: m.fingerprint } };
}

/** `license` + `license_name` + `license_link`, as the card YAML and (sometimes) config.json write them. */
function fromFields(o: Record<string, unknown>, prefix: string): LicenceInfo[] {
  const ids = strings(o["license"] ?? o["licence"]);
  const name = str(o["license_name"]);
  const link = str(o["license_link"]);
  const url = link && isUrl(link) ? link : undefined;
  const out: LicenceInfo[] = [];
  for (const id of ids) {
    if (id.length > TEXT_VALUE || id.split("\n").length > 3) {
      out.push(fromText(id, `${prefix}:license`));
    } else if (id.toLowerCase() === "other" && name) {
      const info = fromDeclared(name, `${prefix}:license_name`, url);
      // an unknown license_name stays "other", keeping its name
      out.push(findLicence(name) ? info : { ...info, id: "other" });
    } else {
      out.push(fromDeclared(id, `${prefix}:license`, url));
    }
  }
  if (ids.length === 0 && name) out.push(fromDeclared(name, `${prefix}:license_name`, url));
  return out;
}

function fromGguf(g: Record<string, unknown>): LicenceInfo[] {
  const value = str(g["general.license"]);
  const name = str(g["general.license.name"]);
  const link = str(g["general.license.link"]);
  const url = link && isUrl(link) ? link : undefined;
  const out: LicenceInfo[] = [];
  if (value) {
    if (value.length > TEXT_VALUE || value.split("\n").length > 3) out.push(fromText(value, "gguf:general.license"));
    else if (value.toLowerCase() === "other" && name) {
      const known = findLicence(name);
      out.push(known ? fromEntry(known, "gguf:general.license.name", url) : { id: "other", name, ...(url ? { url } : {}), source: "gguf:general.license.name", acknowledgement: "declared" });
    } else out.push(fromDeclared(value, "gguf:general.license", url));
  } else if (name) out.push(fromDeclared(name, "gguf:general.license.name", url));
  return out;
}

/** Use-policy titles that name the licence they belong to (read in meta-llama/llama-models USE_POLICY.md). */
const POLICY_TITLES: Array<[string, string]> = [
  ["llama2", "Llama 2 Acceptable Use Policy"],
  ["llama3", "Meta Llama 3 Acceptable Use Policy"],
  ["llama3.1", "Llama 3.1 Acceptable Use Policy"],
  ["llama3.2", "Llama 3.2 Acceptable Use Policy"],
  ["llama3.3", "Llama 3.3 Acceptable Use Policy"],
  ["llama4", "Llama 4 Acceptable Use Policy"],
  ["gemma", "Gemma Prohibited Use Policy"],
];

function phraseIn(tokens: string[], phrase: string, within = tokens.length): boolean {
  const p = licenceTokens(phrase);
  const hay = ` ${tokens.slice(0, within + p.length).join(" ")} `;
  return p.length > 0 && hay.includes(` ${p.join(" ")} `);
}

function fromFile(file: { name: string; text: string }): LicenceInfo[] {
  const kind = licenceFileKind(file.name);
  const source = `file:${file.name}`;
  if (kind === "licence") return [fromText(file.text, source)];
  const tokens = licenceTokens(file.text);
  if (kind === "notice") {
    // The notice sentence each licence asks for, wherever it stands in the file.
    return LICENCES.filter((e) => e.notice && phraseIn(tokens, e.notice.value.replace(/,?\s*(copyright|all rights reserved).*$/i, "")))
      .map((e) => fromEntry(e, source));
  }
  if (kind === "policy") {
    const hit = POLICY_TITLES.find(([, title]) => phraseIn(tokens, title, 12));
    const entry = hit ? findLicence(hit[0]) : undefined;
    return entry ? [fromEntry(entry, source)] : [];
  }
  return [];
}

/** Every licence the model declares, one LicenceInfo per source (identical id + source kept once). */
export function detectLicences(src: LicenceSources): LicenceInfo[] {
  const all = [
    ...(src.card ? fromFields(src.card, "card") : []),
    ...(src.config ? fromFields(src.config, "config.json") : []),
    ...(src.gguf ? fromGguf(src.gguf) : []),
    ...(src.files ?? []).flatMap(fromFile),
  ];
  const seen = new Set<string>();
  return all.filter((l) => {
    const k = `${l.id}\u0000${l.source}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
