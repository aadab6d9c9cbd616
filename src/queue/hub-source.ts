/**
 * @module queue/hub-source
 * A Hugging Face-style hub as a source (`hub+http://host/...`). Listing a hub (its /api/models
 * pages, each model's base_model and licence claims) is src/hub/'s work; until it is wired in
 * here, a hub source is refused with an unsupported error.
 */
import { UnsupportedError } from "../errors.js";
import type { SourceEntry } from "./source-entry.js";

export function hubEntries(source: string, _signal?: AbortSignal): AsyncIterable<SourceEntry> {
  throw new UnsupportedError(source, "indexing a hub is not wired in yet (src/hub/); index a folder or a list file");
}
