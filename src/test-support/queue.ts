/**
 * Job-queue helpers for tests and benches: a folder of dev-family models (symlinks, one entry a
 * model), `pedigree worker` processes started and killed as a user would, and a registry's
 * contents reduced to what a sweep must reproduce — each name with the SHA-256 of its fingerprint
 * parts, in order — to compare two registries.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { symlinkSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { register } from "../api/register.js";
import { openBackend } from "../registry/connect.js";
import { devPath } from "./dev-truth.js";
import { REPO } from "./shared.js";
import { tempDir } from "./tmp.js";

/** A temporary folder holding one symlink per dev-family model, named by its id. */
export function devFolder(ids: readonly string[]): string {
  const dir = tempDir("pedigree-queue-");
  for (const id of ids) symlinkSync(devPath(id), join(dir, id));
  return dir;
}

export interface WorkerProcess {
  child: ChildProcess;
  /** What it has written on stderr so far. */
  log(): string;
  /** Running, and not sent a signal by us. */
  alive(): boolean;
  /** Resolves with the exit code (null when killed by a signal) and what it wrote. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts `pedigree worker` on `url` with `args` (e.g. --until-idle). */
export function startWorker(url: string, args: string[] = []): WorkerProcess {
  const child = spawn(process.execPath, ["--import", "tsx", join(REPO, "src", "cli", "run.ts"), "worker", "--registry", url, ...args], {
    cwd: REPO, env: { ...process.env, PEDIGREE_NO_PROGRESS: "1" }, stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, exited, log: () => stderr, alive: () => child.exitCode === null && child.signalCode === null && !child.killed };
}

/** Every model of a registry: name -> SHA-256 of its fingerprint parts (name and bytes, in order). */
export async function registryPrints(registry: string): Promise<Map<string, string>> {
  const b = await openBackend(registry, { readOnly: true });
  try {
    const out = new Map<string, string>();
    for (const m of await b.models(await b.ids())) {
      const h = createHash("sha256");
      for (const [part, bytes] of m.parts) h.update(part).update(bytes);
      out.set(m.record.name, h.digest("hex"));
    }
    return out;
  } finally {
    await b.close();
  }
}

/** Registers each entry of `folder` directly (no queue), named after it, into `registry`. */
export async function registerDirectly(registry: string, folder: string, ids: readonly string[]): Promise<void> {
  for (const id of ids) await register({ model: join(folder, id), meta: { name: id, owner: "lab", tier: "open" }, registry });
}

/** A sweep's entries with an outcome so far, and whether it is finished (read straight from the registry). */
export async function sweepProgress(url: string, id: string): Promise<{ settled: number; total: number | null; finished: boolean }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = (await c.query<{ done: number; failed: number; total: number | null; finished_at: string | null }>("SELECT done, failed, total, finished_at FROM index_sweeps WHERE id = $1", [id])).rows[0];
    return { settled: (r?.done ?? 0) + (r?.failed ?? 0), total: r?.total ?? null, finished: r?.finished_at != null };
  } finally {
    await c.end();
  }
}

/** Waits until at least `n` entries of the sweep have an outcome (or it is finished). */
export async function untilSettled(url: string, id: string, n: number): Promise<{ settled: number; finished: boolean }> {
  while (true) {
    const p = await sweepProgress(url, id);
    if (p.settled >= n || p.finished) return p;
    await new Promise((r) => setTimeout(r, 100));
  }
}
