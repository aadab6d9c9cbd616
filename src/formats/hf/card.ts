/**
 * @module formats/hf/card
 * A Hugging Face model card (README.md): YAML front matter between `---` lines. Declared licence
 * (license / license_name / license_link), base_model (string or list), base_model_relation.
 * Broken YAML is recorded as a problem, never fatal: the weights are still read.
 */
import { isMap, isScalar, isSeq, parseDocument } from "yaml";
import { q } from "../../errors.js";
import type { Declared } from "../../model/weight-set.js";

export interface ModelCard {
  frontMatter: Record<string, unknown>;
  body: string;
  problems: string[];
}

/**
 * Front matter past this size is not parsed (real cards, model-index results included, stay well
 * under 100 KB); parsing is linear in the size below it.
 */
export const MAX_FRONT_MATTER_BYTES = 512 << 10;

/** A YAML message as one safe line: the parser quotes the offending card line, which may hold control characters. */
function yamlProblem(e: unknown): string {
  const first = (e instanceof Error ? e.message : String(e)).split("\n")[0] as string;
  return q(first, 160).slice(1, -1);
}

/** Keys that appear twice in one mapping (yaml's own check is quadratic in the number of keys). */
function duplicateKeys(node: unknown, out: string[], depth = 0): void {
  if (depth > 64 || out.length >= 5) return;
  if (isMap(node)) {
    const seen = new Set<string>();
    for (const item of node.items) {
      const k = isScalar(item.key) ? String(item.key.value) : String(item.key);
      if (seen.has(k)) out.push(k);
      seen.add(k);
      duplicateKeys(item.value, out, depth + 1);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) duplicateKeys(item, out, depth + 1);
  }
}

export function parseCard(text: string): ModelCard {
  const m = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---\s*(?:\r?\n|$)/.exec(text);
  if (!m) return { frontMatter: {}, body: text, problems: [] };
  const body = text.slice(m[0].length);
  const yamlText = m[1] as string;
  if (yamlText.length > MAX_FRONT_MATTER_BYTES) {
    return { frontMatter: {}, body, problems: [`model card front matter is ${yamlText.length} characters, over the ${MAX_FRONT_MATTER_BYTES >> 10} KB limit: not read`] };
  }
  try {
    const doc = parseDocument(yamlText, { uniqueKeys: false, logLevel: "silent" });
    if (doc.errors.length > 0) throw doc.errors[0];
    const dups: string[] = [];
    duplicateKeys(doc.contents, dups);
    if (dups.length > 0) return { frontMatter: {}, body, problems: [`model card YAML is ambiguous: key ${q(dups[0] as string)} appears twice in one mapping`] };
    const fm: unknown = doc.toJS({ maxAliasCount: 100 });
    if (fm === null || fm === undefined) return { frontMatter: {}, body, problems: [] };
    if (typeof fm !== "object" || Array.isArray(fm)) return { frontMatter: {}, body, problems: ["model card front matter is not a YAML mapping"] };
    return { frontMatter: fm as Record<string, unknown>, body, problems: [] };
  } catch (e) {
    return { frontMatter: {}, body, problems: [`model card YAML is broken: ${yamlProblem(e)}`] };
  }
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 ? v : undefined);

/** Merge what a card declares into `into` (card values win over container ones they repeat). */
export function declaredFromCard(card: ModelCard, into: Declared): Declared {
  const fm = card.frontMatter;
  const bases = Array.isArray(fm.base_model) ? fm.base_model.filter((b): b is string => typeof b === "string") : str(fm.base_model) ? [fm.base_model as string] : [];
  return {
    ...into,
    name: str(fm.model_name) ?? into.name,
    license: str(fm.license) ?? into.license,
    licenseName: str(fm.license_name) ?? into.licenseName,
    licenseLink: str(fm.license_link) ?? into.licenseLink,
    baseModels: bases.length > 0 ? bases : into.baseModels,
    baseModelRelation: str(fm.base_model_relation) ?? into.baseModelRelation,
    problems: [...into.problems, ...card.problems],
  };
}
