/**
 * @module registry/metadata
 * What a registrant says about a model (name, owner, tier, licence, declared base, release date,
 * recipients of a gated model), checked once here for both `register` and `import`. Problems are
 * returned as a message, so each caller reports them its own way (a usage error, or a bad line).
 */

export const TIERS = ["open", "gated", "closed"] as const;
export type Tier = (typeof TIERS)[number];

export interface ModelMeta {
  name: string;
  owner: string;
  tier: Tier;
  /** A licence id (Hub ids such as apache-2.0, llama3.1, other), or undefined when unknown. */
  license?: string;
  /** The model this one says it was built from (free text; need not be registered). */
  declaredBase?: string;
  /** Release date, YYYY-MM-DD. */
  released?: string;
  /** Gated models only: who has been given the weights. */
  recipients?: string[];
  notes?: string;
}

const MAX_NAME = 200;
const MAX_TEXT = 4000;
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const LICENSE = /^[A-Za-z0-9][A-Za-z0-9.+_:/-]{0,99}$/;

function label(what: string, v: string, max: number): string | null {
  if (v.trim() !== v || v.length === 0) return `${what} must be non-empty without leading or trailing spaces`;
  if (v.length > max) return `${what} is longer than ${max} characters`;
  if (CONTROL.test(v)) return `${what} contains control characters`;
  return null;
}

/** A real calendar date written YYYY-MM-DD. */
export function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** The first problem with `m`, or null when it can be stored. */
export function metaProblem(m: ModelMeta): string | null {
  const p = label("name", m.name, MAX_NAME) ?? label("owner", m.owner, MAX_NAME);
  if (p) return p;
  if (!(TIERS as readonly string[]).includes(m.tier)) return `tier must be one of ${TIERS.join(", ")} (got ${JSON.stringify(m.tier)})`;
  if (m.license !== undefined && !LICENSE.test(m.license)) return `licence id ${JSON.stringify(m.license)} is not an id such as apache-2.0, mit, llama3.1 or other`;
  if (m.declaredBase !== undefined) {
    const b = label("declared base", m.declaredBase, MAX_NAME);
    if (b) return b;
  }
  if (m.released !== undefined && !isIsoDate(m.released)) return `release date ${JSON.stringify(m.released)} is not a date YYYY-MM-DD`;
  if (m.recipients !== undefined) {
    if (m.tier !== "gated") return `recipients are only kept for gated models (tier is ${m.tier})`;
    for (const r of m.recipients) {
      const e = label("recipient", r, MAX_NAME);
      if (e) return e;
    }
    if (new Set(m.recipients).size !== m.recipients.length) return "a recipient is listed twice";
  }
  if (m.notes !== undefined && m.notes.length > MAX_TEXT) return `notes are longer than ${MAX_TEXT} characters`;
  return null;
}
