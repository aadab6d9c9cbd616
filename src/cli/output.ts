/**
 * @module cli/output
 * Where command output goes: stdout by default; JSON is printed whole, pretty, with bigints as strings.
 */
import { writeFileSync } from "node:fs";

export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${toJson(value)}\n`);
}

export function printText(text: string): void {
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

export function writeOut(path: string, text: string): void {
  writeFileSync(path, text);
}
