/**
 * @module cli/output
 * Where command output goes: stdout by default; JSON is printed whole, pretty, with bigints as strings.
 */
import { writeFileSync } from "node:fs";
import { escapeControlsKeepLines } from "../errors.js";

export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${toJson(value)}\n`);
}

/** Text for people: whatever a file put in it, no control or bidi character reaches the terminal raw. */
export function printText(text: string): void {
  const safe = escapeControlsKeepLines(text);
  process.stdout.write(safe.endsWith("\n") ? safe : `${safe}\n`);
}

/** The width text reports wrap to: the terminal's, else 80. */
export function textWidth(): number {
  const cols = process.stdout.isTTY ? process.stdout.columns : undefined;
  return cols && cols > 0 ? cols : 80;
}

export function writeOut(path: string, text: string): void {
  writeFileSync(path, text);
}
