/**
 * Where the shared real-model data lives for tests: $PEDIGREE_SHARED, else ../shared beside the
 * repository, else /work/shared.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

function locate(): string {
  const candidates = [process.env.PEDIGREE_SHARED, join(repo, "..", "shared"), "/work/shared"];
  for (const c of candidates) if (c && existsSync(join(c, "models"))) return c;
  throw new Error("shared test data not found: set PEDIGREE_SHARED to the folder holding models/, dev-families/, testvectors/");
}

export const SHARED = locate();

export function sharedPath(...parts: string[]): string {
  return join(SHARED, ...parts);
}

export const REPO = repo;

/** The model folders of ../shared/dev-families (ids), sorted. */
export function devModelIds(): string[] {
  const root = join(SHARED, "dev-families");
  return readdirSync(root).filter((n) => statSync(join(root, n)).isDirectory()).sort();
}

/** Every file under a shared sub-folder, recursively. */
export function sharedFiles(sub: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(join(SHARED, sub));
  return out;
}
