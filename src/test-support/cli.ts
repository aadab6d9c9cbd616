/** Run the pedigree CLI from source in a child process, as a user would. */
import { spawnSync } from "node:child_process";
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
