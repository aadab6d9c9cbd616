/**
 * @module server/roots
 * Paths a client names are read only when they resolve — symlinks followed — inside one of the
 * configured roots; anything else is refused without saying whether it exists.
 */
import { realpathSync } from "node:fs";
import { isAbsolute, resolve, sep } from "node:path";
import { PedigreeError } from "../errors.js";

export function underRoots(path: unknown, roots: readonly string[]): string {
  if (typeof path !== "string" || path.length === 0 || path.length > 4096 || path.includes("\0")) throw new PedigreeError("usage", "path must be a non-empty string");
  const forbidden = new PedigreeError("not-found", "no such model under the server's roots");
  for (const root of roots) {
    const r = realpathSync(root);
    let real: string;
    try {
      real = realpathSync(isAbsolute(path) ? path : resolve(r, path));
    } catch {
      continue;
    }
    if (real === r || real.startsWith(r.endsWith(sep) ? r : r + sep)) return real;
  }
  throw forbidden;
}
