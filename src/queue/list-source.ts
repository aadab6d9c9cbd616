/**
 * @module queue/list-source
 * A list file as a source: one model a line, `path` (named after its last path part) or
 * `name<TAB>path`; relative paths are relative to the list file's folder; blank lines and lines
 * starting with `#` are skipped. A hub+ locator may stand in a line as well.
 */
import { readFileSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { BadInputError } from "../errors.js";
import { isHubLocator, type SourceEntry } from "./source-entry.js";

export function listEntries(file: string): SourceEntry[] {
  const path = resolve(file);
  const out: SourceEntry[] = [];
  readFileSync(path, "utf8").split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const tab = raw.indexOf("\t");
    const given = tab >= 0 ? raw.slice(tab + 1).trim() : line;
    const name = tab >= 0 ? raw.slice(0, tab).trim() : basename(given.replace(/\/+$/, ""));
    if (name === "" || given === "") throw new BadInputError(path, `line ${i + 1}: expected "path" or "name<TAB>path"`);
    out.push({ name, locator: isHubLocator(given) ? given : resolve(dirname(path), given) });
  });
  return out;
}
