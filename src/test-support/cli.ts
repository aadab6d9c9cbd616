/** Run the pedigree CLI from source in a child process, as a user would. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { REPO } from "./shared.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(REPO, "src", "cli", "run.ts"), ...args], {
    cwd: opts.cwd ?? REPO,
    encoding: "utf8",
    timeout: opts.timeoutMs ?? 120_000,
    env: { ...process.env, PEDIGREE_NO_PROGRESS: "1" },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Like runCli, and also the child's peak resident memory in MB. A child past `timeoutMs` is killed
 * and reported with code -1 (a hang guard, not a timing).
 */
export function runCliMeasured(args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): CliResult & { peakMB: number } {
  const dir = mkdtempSync(join(tmpdir(), "pedigree-rss-"));
  const rssFile = join(dir, "rss");
  try {
    const r = spawnSync(process.execPath, ["--import", "tsx", "--import", pathToFileURL(join(REPO, "src", "test-support", "rss-hook.ts")).href, join(REPO, "src", "cli", "run.ts"), ...args], {
      cwd: opts.cwd ?? REPO,
      encoding: "utf8",
      timeout: opts.timeoutMs ?? 120_000,
      env: { ...process.env, PEDIGREE_NO_PROGRESS: "1", PEDIGREE_TEST_RSS_FILE: rssFile },
    });
    const kb = existsSync(rssFile) ? Number(readFileSync(rssFile, "utf8")) : Number.NaN;
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, peakMB: kb / 1024 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
