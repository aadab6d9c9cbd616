/**
 * @module queue/entry-meta
 * What an indexed model is registered with: the sweep's owner and tier, the licence and base-model
 * claims of the source (a hub's base_model and licence) or else of the model's own files, else the
 * sweep's --license. Claims are recorded beside the fingerprint as the registry keeps them: the
 * declared base (several joined by ", "), the licence id; a claim the registry cannot store as such
 * (not a licence id, too long, control characters) is kept in the notes instead, escaped.
 */
import { escapeControls } from "../errors.js";
import { metaProblem, type ModelMeta } from "../registry/metadata.js";
import type { SweepDefaults } from "./kinds.js";
import type { Claims } from "./source-entry.js";

export function entryMeta(name: string, defaults: SweepDefaults, claims: Claims | undefined): ModelMeta {
  const meta: ModelMeta = { name, owner: defaults.owner, tier: defaults.tier, license: defaults.license };
  const notes: string[] = [];
  const base = claims?.baseModels?.filter((b) => b.trim() !== "").map((b) => b.trim()).join(", ");
  if (base) {
    if (metaProblem({ ...meta, declaredBase: base }) === null) meta.declaredBase = base;
    else notes.push(`claimed base: ${escapeControls(base).slice(0, 1000)}`);
  }
  const license = claims?.license?.trim();
  if (license) {
    if (metaProblem({ ...meta, license }) === null) meta.license = license;
    else notes.push(`claimed licence: ${escapeControls(license).slice(0, 1000)}`);
  }
  if (notes.length > 0) meta.notes = notes.join("\n");
  return meta;
}
