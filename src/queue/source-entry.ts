/**
 * @module queue/source-entry
 * What a source of models yields, whatever it is (a folder, a list file, a hub): a name to register
 * under, a locator the register job turns into a fingerprint (fingerprint-locator.ts), and what
 * the source itself claims about the model (a hub's base_model and licence).
 */

export interface Claims {
  baseModels?: string[];
  license?: string;
}

export interface SourceEntry {
  name: string;
  /** A local path (absolute), or `hub+http(s)://...`. */
  locator: string;
  claims?: Claims;
}

/** The prefix of locators (and sources) read from a hub. */
export const HUB_PREFIX = "hub+";

export function isHubLocator(locator: string): boolean {
  return /^hub\+https?:\/\//i.test(locator);
}

/** The claims worth recording (undefined when there are none). */
export function claimsOf(baseModels: readonly string[], license: string | undefined): Claims | undefined {
  if (baseModels.length === 0 && license === undefined) return undefined;
  return { ...(baseModels.length > 0 ? { baseModels: [...baseModels] } : {}), ...(license !== undefined ? { license } : {}) };
}
