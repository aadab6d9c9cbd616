/**
 * @module report/text-lines
 * Text reports are built as lines and rendered here: every character a file supplied is made safe
 * (controls and bidi overrides escaped, so a model name cannot clear the screen or fake a line),
 * and prose lines wrap at word boundaries to the width asked for, continuing under their indent.
 * Pre-formatted blocks (tables, strips) are escaped but never wrapped.
 */
import { escapeControls } from "../errors.js";

/** A line of prose (wrapped), or a pre-formatted block (kept as is). */
export type TextLine = string | { pre: string };

export const DEFAULT_WIDTH = 80;

/** The narrowest width reports wrap to (below it, words would stand one per line). */
const MIN_WIDTH = 40;

/** One prose line as lines of at most `width` columns (a single word longer than that stays whole). */
export function wrapLine(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const indent = /^ */.exec(line)?.[0].length ?? 0;
  const hang = " ".repeat(Math.min(indent + 2, Math.floor(width / 2)));
  const words = line.slice(indent).split(/ +/);
  const out: string[] = [];
  let cur = " ".repeat(indent);
  let fresh = true;
  for (const w of words) {
    if (!fresh && cur.length + 1 + w.length > width) {
      out.push(cur);
      cur = hang + w;
    } else {
      cur = fresh ? cur + w : `${cur} ${w}`;
    }
    fresh = false;
  }
  out.push(cur);
  return out;
}

export function renderLines(lines: TextLine[], width = DEFAULT_WIDTH): string {
  const w = Math.max(MIN_WIDTH, Math.floor(width));
  const out: string[] = [];
  for (const l of lines) {
    if (typeof l === "string") out.push(...wrapLine(escapeControls(l), w));
    else out.push(...l.pre.split("\n").map(escapeControls));
  }
  return out.join("\n");
}
