/**
 * @module queue/hub-source
 * A Hugging Face-style hub as a source (`hub+http://host/`): every model its /api/models pages
 * list, named by its id, with the base_model and licence its card data claims (src/hub/).
 */
import { hubLocator, listHubModels } from "../hub/index.js";
import type { SourceEntry } from "./source-entry.js";

export async function* hubEntries(source: string, signal?: AbortSignal): AsyncIterable<SourceEntry> {
  for await (const m of listHubModels(source, { signal })) {
    const claims = { ...(m.baseModels.length > 0 ? { baseModels: m.baseModels } : {}), ...(m.license !== undefined ? { license: m.license } : {}) };
    yield { name: m.id, locator: hubLocator(source, m.id), claims: Object.keys(claims).length > 0 ? claims : undefined };
  }
}
