/**
 * @module policy/licences/files
 * Which files in a model folder carry licence terms, and reading them (bounded) for detect.ts.
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import { join } from "node:path";

/** Each licence file is read up to this many bytes (a licence text is a few tens of KB). */
export const MAX_LICENCE_FILE_BYTES = 1 << 20;

/** LICENSE, LICENCE, COPYING (with .md/.txt, or a suffix such as LICENSE-MODEL, LICENSE_GEMMA.md). */
const LICENCE = /^(licen[cs]e|copying)([._-][\w.-]*)?$/i;
/** NOTICE, NOTICE.txt, Notice.md. */
const NOTICE = /^notice([._-][\w.-]*)?$/i;
/** USE_POLICY.md, use-policy.md, ACCEPTABLE_USE_POLICY.md. */
const POLICY = /^(acceptable[_-]?)?use[_-]?policy([._-][\w.-]*)?$/i;

export type LicenceFileKind = "licence" | "notice" | "policy";

/** The kind of licence-bearing file a name is, or undefined. */
export function licenceFileKind(name: string): LicenceFileKind | undefined {
  const base = name.split(/[\\/]/).pop() ?? name;
  if (LICENCE.test(base)) return "licence";
  if (NOTICE.test(base)) return "notice";
  if (POLICY.test(base)) return "policy";
  return undefined;
}

/** Read the licence, notice and use-policy files at the top of a model folder (each bounded to 1 MB). */
export function readLicenceFiles(dir: string): Array<{ name: string; text: string }> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: Array<{ name: string; text: string }> = [];
  for (const name of names.sort()) {
    if (!licenceFileKind(name)) continue;
    const path = join(dir, name);
    try {
      const st = statSync(path);
      if (!st.isFile()) continue;
      const n = Math.min(st.size, MAX_LICENCE_FILE_BYTES);
      const buf = Buffer.alloc(n);
      const fd = openSync(path, "r");
      try {
        let got = 0;
        while (got < n) {
          const r = readSync(fd, buf, got, n - got, got);
          if (r <= 0) break;
          got += r;
        }
        out.push({ name, text: buf.subarray(0, got).toString("utf8") });
      } finally {
        closeSync(fd);
      }
    } catch {
      // unreadable file: skipped, as if absent
    }
  }
  return out;
}
