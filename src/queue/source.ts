/**
 * @module queue/source
 * What `pedigree index <source>` may be given, resolved once when the sweep is enqueued: a hub
 * (`hub+http://...`), a local folder (each entry one model) or a list file (one model a line).
 * Local sources are stored as absolute paths, so a worker on another machine with the same mounts
 * reads the same files; listing happens in the worker that expands the sweep.
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { PedigreeError } from "../errors.js";
import { folderEntries } from "./folder-source.js";
import { hubEntries } from "./hub-source.js";
import { listEntries } from "./list-source.js";
import { isHubLocator, type SourceEntry } from "./source-entry.js";

/** The source as stored with its sweep: the hub URL as given, a local path made absolute. */
export function resolveSource(source: string): string {
  if (isHubLocator(source)) return source;
  const path = resolve(source);
  if (!statSync(path, { throwIfNoEntry: false })) throw new PedigreeError("not-found", "no such folder or list file", path);
  return path;
}

/** Every entry of a resolved source, in its order. */
export async function* sourceEntries(source: string, signal?: AbortSignal): AsyncIterable<SourceEntry> {
  if (isHubLocator(source)) {
    yield* hubEntries(source, signal);
    return;
  }
  const st = statSync(source, { throwIfNoEntry: false });
  if (!st) throw new PedigreeError("not-found", "no such folder or list file", source);
  yield* st.isDirectory() ? folderEntries(source) : listEntries(source);
}
