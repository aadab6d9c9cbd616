/** Temporary folders for tests, removed when the process exits. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const made: string[] = [];
process.on("exit", () => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

export function tempDir(prefix = "pedigree-test-"): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

export function tempFile(name: string, bytes: Uint8Array | string): string {
  const p = join(tempDir(), name);
  writeFileSync(p, bytes);
  return p;
}
