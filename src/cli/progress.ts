/**
 * @module cli/progress
 * Progress on stderr for anything that may take more than a second: one line, redrawn in place,
 * naming the stage (`compare [2/6 layers]`), the counts with their unit and thousands separators
 * (`1,234/3,300 layer pairs`) and, once it can be estimated, the time left labelled as such
 * (`ETA 12 s`). Drawn synchronously from the update calls (the work it follows is synchronous, so a
 * timer would never fire), at most every 100 ms within a stage and at once on a new stage.
 * Silent when stderr is not a terminal (pipes, CI), under --json, or with PEDIGREE_NO_PROGRESS set,
 * so machine output stays clean. The line is cleared when the work ends.
 */

export interface Progress {
  update(done: number, total?: number): void;
  stop(): void;
}

export interface Stage {
  name: string;
  /** What `done` and `total` count ("layer pairs", "tensors", "values"). */
  unit: string;
}

export interface StagedProgress {
  /** Progress in `stage` (one of the stages given, or a new one appended). */
  update(stage: string, done: number, total: number): void;
  stop(): void;
}

/** Whether progress is drawn: stderr is a terminal, no --json, no PEDIGREE_NO_PROGRESS. */
export function progressEnabled(json = false, stream: { isTTY?: boolean } = process.stderr): boolean {
  return !json && stream.isTTY === true && !process.env.PEDIGREE_NO_PROGRESS;
}

/** A count with thousands separators: 1234567 -> "1,234,567". */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** Seconds as people read them: "8 s", "3 min 20 s", "2 h 5 min". */
export function formatDuration(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** The progress line (without control characters), at most `width - 1` columns. */
export function progressLine(p: { label: string; stage: Stage; index: number; stages: number; done: number; total: number; etaSeconds?: number; width: number }): string {
  const head = p.stages > 1 ? `${p.label} [${p.index + 1}/${p.stages} ${p.stage.name}]` : p.label;
  const frac = p.total > 0 ? Math.min(1, Math.max(0, p.done / p.total)) : 0;
  const eta = p.etaSeconds !== undefined && Number.isFinite(p.etaSeconds) && p.done < p.total ? `, ETA ${formatDuration(p.etaSeconds)}` : "";
  const tail = ` ${String(Math.floor(100 * frac)).padStart(3)}% ${formatCount(p.done)}/${formatCount(p.total)} ${p.stage.unit}${eta}`;
  const room = p.width - 1 - head.length - tail.length - 3;
  const barWidth = Math.min(24, room);
  const bar = barWidth >= 6 ? ` [${"#".repeat(Math.round(frac * barWidth)).padEnd(barWidth, "-")}]` : "";
  const line = `${head}${bar}${tail}`;
  return line.length <= p.width - 1 ? line : `${line.slice(0, p.width - 4)}...`;
}

const silentStaged: StagedProgress = { update() {}, stop() {} };

/**
 * A progress line through `stages` in order. Time left is estimated within the current stage from
 * its rate so far (shown after half a second of it).
 */
export function stagedProgress(label: string, stages: Stage[], opts: { json?: boolean } = {}): StagedProgress {
  if (!progressEnabled(opts.json)) return silentStaged;
  const out = process.stderr;
  const list = [...stages];
  let current = -1;
  let stageStart = 0;
  let lastDraw = 0;
  let lastPercent = -1;
  let drawn = false;
  return {
    update(stage, done, total) {
      let i = list.findIndex((s) => s.name === stage);
      if (i < 0) i = list.push({ name: stage, unit: "steps" }) - 1;
      const now = Date.now();
      const fresh = i !== current;
      if (fresh) {
        current = i;
        stageStart = now;
      }
      // redrawn when the whole percentage moves, else at most every 100 ms (a fast stage still shows its steps)
      const percent = total > 0 ? Math.floor((100 * done) / total) : 0;
      if (!fresh && percent === lastPercent && now - lastDraw < 100 && done < total) return;
      lastDraw = now;
      lastPercent = percent;
      const elapsed = (now - stageStart) / 1000;
      const etaSeconds = done > 0 && elapsed >= 0.5 ? (elapsed * (total - done)) / done : undefined;
      const width = Math.min(out.columns || 80, 120);
      out.write(`\r${progressLine({ label, stage: list[i] as Stage, index: i, stages: list.length, done, total, etaSeconds, width })}\x1b[K`);
      drawn = true;
    },
    stop() {
      if (drawn) out.write("\r\x1b[K");
      drawn = false;
    },
  };
}

const silent: Progress = { update() {}, stop() {} };

/** One stage: `label`, counting `unit`s up to `total`. */
export function progress(label: string, total: number, unit = "steps", opts: { json?: boolean } = {}): Progress {
  if (!progressEnabled(opts.json)) return silent;
  const staged = stagedProgress(label, [{ name: label, unit }], opts);
  let t = total;
  return {
    update(done, newTotal) {
      if (newTotal !== undefined) t = newTotal;
      staged.update(label, done, t);
    },
    stop() {
      staged.stop();
    },
  };
}
