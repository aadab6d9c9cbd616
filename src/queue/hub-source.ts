/**
 * @module queue/hub-source
 * A Hugging Face-style hub as a source (`hub+http://host/`): every model its /api/models pages
 * list, named by its id, with the base_model and licence its card data claims (src/hub/).
 */
import { hubLocator, listHubModels } from "../hub/index.js";
import { claimsOf, type SourceEntry } from "./source-entry.js";

export async function* hubEntries(source: string, signal?: AbortSignal): AsyncIterable<SourceEntry> {
  for await (const m of listHubModels(source, { signal })) {
    yield { name: m.id, locator: hubLocator(source, m.id), claims: claimsOf(m.baseModels, m.license) };
  }
}
