/**
 * @module formats/hf/card
 * A Hugging Face model card (README.md): YAML front matter between `---` lines. Declared licence
 * (license / license_name / license_link), base_model (string or list), base_model_relation.
 * Broken YAML is recorded as a problem, never fatal: the weights are still read.
 */
import { parse as parseYaml } from "yaml";
import type { Declared } from "../../model/weight-set.js";

export interface ModelCard {
  frontMatter: Record<string, unknown>;
  body: string;
  problems: string[];
}

export function parseCard(text: string): ModelCard {
  const m = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---\s*(?:\r?\n|$)/.exec(text);
  if (!m) return { frontMatter: {}, body: text, problems: [] };
  const body = text.slice(m[0].length);
  try {
    const fm: unknown = parseYaml(m[1] as string, { maxAliasCount: 100 });
    if (fm === null || fm === undefined) return { frontMatter: {}, body, problems: [] };
    if (typeof fm !== "object" || Array.isArray(fm)) return { frontMatter: {}, body, problems: ["model card front matter is not a YAML mapping"] };
    return { frontMatter: fm as Record<string, unknown>, body, problems: [] };
  } catch (e) {
    const why = e instanceof Error ? e.message.split("\n")[0] : String(e);
    return { frontMatter: {}, body, problems: [`model card YAML is broken: ${why}`] };
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
