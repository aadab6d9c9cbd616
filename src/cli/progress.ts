/**
 * @module cli/progress
 * Progress bars on stderr for anything that may take more than a second; silent when stderr is not
 * a terminal (pipes, CI) or PEDIGREE_NO_PROGRESS is set, so machine output stays clean.
 */
import cliProgress from "cli-progress";

export interface Progress {
  update(done: number, total?: number): void;
  stop(): void;
}

const silent: Progress = { update() {}, stop() {} };

export function progress(label: string, total: number): Progress {
  if (!process.stderr.isTTY || process.env.PEDIGREE_NO_PROGRESS) return silent;
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% {value}/{total} {eta_formatted}`, stream: process.stderr, clearOnComplete: true, hideCursor: true, etaBuffer: 20 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return {
    update(done, t) {
      if (t !== undefined) bar.setTotal(t);
      bar.update(done);
    },
    stop() {
      bar.stop();
    },
  };
}
