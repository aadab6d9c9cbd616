/**
 * @module version
 * pedigree's version, read once from its package.json (reports and BOMs name the tool that made them).
 */
import { readFileSync } from "node:fs";

function read(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : "0.0.0";
  } catch {
    return "0.0.0";
  }
}

export const VERSION = read();
